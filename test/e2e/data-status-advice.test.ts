/** What `sluice data status` tells a user to run, when the working copy or the cache lost data. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

describe('sluice data status advice', { timeout: 120_000 }, () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'data/raw.csv': 'a,b\n1,2\n' });
    assert.equal(sluice(repo.root, ['data', 'add', 'data/raw.csv']).code, 0);
  });
  after(() => repo.remove());

  test('a deleted file still in the cache: checkout restores it', () => {
    rmSync(join(repo.root, 'data', 'raw.csv'));
    assert.match(sluice(repo.root, ['data', 'status']).stdout, /data\/raw\.csv\s+missing: `sluice data checkout` restores it/);
    assert.equal(sluice(repo.root, ['data', 'checkout']).code, 0);
  });

  test('a deleted file whose cache is gone too: pull, not checkout, brings it back', () => {
    rmSync(join(repo.root, 'data', 'raw.csv'));
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    const status = sluice(repo.root, ['data', 'status']).stdout;
    assert.match(status, /missing, and not in the local cache: `sluice data pull` fetches and restores it/);
    assert.doesNotMatch(status, /checkout/);
  });

  test('a modified file whose tracked version is not cached: add records it, pull --force restores the tracked one', () => {
    writeFileSync(join(repo.root, 'data', 'raw.csv'), 'a,b\n3,4\n');
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    assert.match(sluice(repo.root, ['data', 'status']).stdout, /modified; the tracked version is not in the local cache: `sluice data add` records yours, `sluice data pull --force` restores the tracked one/);
  });

  test('after git moves the pointer to another version, status says checkout restores it, not that the file was modified', () => {
    writeFileSync(join(repo.root, 'data', 'raw.csv'), 'a,b\n7,8\n');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/raw.csv']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'first version');
    // A new file, not an edit in place of the hardlinked first version (see the root warning below).
    rmSync(join(repo.root, 'data', 'raw.csv'));
    writeFileSync(join(repo.root, 'data', 'raw.csv'), 'a,b\n9,10\n');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/raw.csv']).code, 0);
    repo.git('checkout', '--', 'data/raw.csv.sluice');
    const status = sluice(repo.root, ['data', 'status']).stdout;
    assert.match(status, /data\/raw\.csv\s+another version than tracked \(not checked out since the pointer changed\): `sluice data checkout` restores the tracked one, nothing is lost/);
    assert.doesNotMatch(status, /modified/);
    assert.equal(sluice(repo.root, ['data', 'checkout']).code, 0);
    assert.equal(readFileSync(join(repo.root, 'data', 'raw.csv'), 'utf8'), 'a,b\n7,8\n');
  });

  test('an intact file whose cache is gone: status says data add stores it again (a push could not send it)', () => {
    writeFileSync(join(repo.root, 'data', 'raw.csv'), 'a,b\n1,2\n');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/raw.csv']).code, 0);
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    assert.match(sluice(repo.root, ['data', 'status']).stdout, /not in the local cache \(the working copy is intact\): `sluice data add` stores it again/);
  });

  test('status, checkout, push and pull of a path nothing tracks exit 2 saying so; a file inside a tracked directory names the directory', () => {
    assert.equal(sluice(repo.root, ['remote', 'add', 'shared', join(repo.outside, 'remote'), '--default']).code, 0);
    for (const command of ['status', 'checkout', 'push', 'pull']) {
      const result = sluice(repo.root, ['data', command, 'data/nope.csv']);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /data\/nope\.csv is not tracked by Sluice.*SLUICE_DATA_NOT_TRACKED/s);
    }
    const inside = sluice(repo.root, ['data', 'status', 'data/raw.csv/part']);
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /inside the tracked directory data\/raw\.csv|not tracked/);
  });

  test('as root, data add warns that the hardlinked files are not protected from edits in place', { skip: process.getuid?.() !== 0 && 'not running as root' }, () => {
    writeFileSync(join(repo.root, 'data', 'more.csv'), 'a,b\n5,6\n');
    const result = sluice(repo.root, ['data', 'add', 'data/more.csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /running as root, the tracked files share their bytes with the cache \(hard links\)/);
  });
});

describe('a pipeline whose tracked data is not in the working copy', { timeout: 120_000 }, () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages:\n  copy:\n    cmd: cp data/raw.csv out.csv\n    deps: [data/raw.csv]\n    outs: [out.csv]\n', 'data/raw.csv': 'a,b\n1,2\n' });
    assert.equal(sluice(repo.root, ['data', 'add', 'data/raw.csv']).code, 0);
    rmSync(join(repo.root, 'data', 'raw.csv'));
  });
  after(() => repo.remove());

  test('status and run say the data is tracked and that data pull brings it back', () => {
    for (const command of ['status', 'run']) {
      const result = sluice(repo.root, [command]);
      assert.equal(result.code, 2, command);
      assert.match(result.stderr, /Stage "copy" depends on data\/raw\.csv, which data\/raw\.csv\.sluice tracks but which is not in the working copy\. Run `sluice data pull data\/raw\.csv`/, command);
    }
  });
});

describe('a stage writing data a pointer tracks', { timeout: 120_000 }, () => {
  test('is refused before anything runs, at its out, and the tracked data is left as it was', (t) => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'data/labels.csv': 'hand-labelled v1\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['data', 'add', 'data/labels.csv']).code, 0);
    writeFileSync(join(repo.root, 'sluice.yaml'), 'stages:\n  gen:\n    cmd: echo generated > data/labels.csv\n    outs: [data/labels.csv]\n');
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /sluice\.yaml:4:\d+: Stage "gen" writes data\/labels\.csv, which data\/labels\.csv\.sluice tracks as versioned data: running it would overwrite that data.*SLUICE_PIPELINE_OUTPUT_TRACKED/s);
    assert.equal(readFileSync(join(repo.root, 'data', 'labels.csv'), 'utf8'), 'hand-labelled v1\n');
  });

  test('is refused when its out is a folder holding tracked data, and the folder is left as it was', (t) => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'data/labels.csv': 'hand-labelled v1\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['data', 'add', 'data/labels.csv']).code, 0);
    writeFileSync(join(repo.root, 'sluice.yaml'), 'stages:\n  gen:\n    cmd: mkdir -p data && echo x > data/generated.csv\n    outs: [data]\n');
    const result = sluice(repo.root, ['run']);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stdout + result.stderr, /Stage "gen" writes data, which data\/labels\.csv\.sluice tracks as versioned data/);
    assert.equal(readFileSync(join(repo.root, 'data', 'labels.csv'), 'utf8'), 'hand-labelled v1\n');
    assert.ok(existsSync(join(repo.root, 'data', 'labels.csv.sluice')));
  });
});

describe('pushing and pulling a pipeline output by its path', { timeout: 120_000 }, () => {
  test('an output in sluice.lock (no pointer file) is pushed and pulled by name; a path that is neither is refused', () => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages:\n  make:\n    cmd: mkdir -p out && echo hi > out/model.txt\n    outs: [out/]\n' });
    try {
      assert.equal(sluice(repo.root, ['run']).code, 0);
      assert.equal(sluice(repo.root, ['remote', 'add', 'shared', join(repo.outside, 'remote'), '--default']).code, 0);
      for (const args of [['push', 'out'], ['push', 'out/model.txt'], ['pull', 'out/']]) {
        const result = sluice(repo.root, ['data', ...args]);
        assert.equal(result.code, 0, `data ${args.join(' ')}: ${result.stderr}`);
      }
      const neither = sluice(repo.root, ['data', 'push', 'nope']);
      assert.equal(neither.code, 2);
      assert.match(neither.stderr, /nope is not tracked by Sluice/);
    } finally {
      repo.remove();
    }
  });
});

describe('a pointer left in conflict by a git merge', { timeout: 120_000 }, () => {
  test('is named as a conflict; other data still works, and data add of its data repairs it', (t) => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'a.csv': 'base\n', 'b.csv': 'other\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['data', 'add', 'a.csv', 'b.csv']).code, 0);
    const hash = (text: string) => /hash: "([^"]+)"/.exec(text)![1]!;
    const pointer = readFileSync(join(repo.root, 'a.csv.sluice'), 'utf8');
    // What git leaves after both branches changed a.csv.
    writeFileSync(join(repo.root, 'a.csv.sluice'), pointer.replace(/hash: .*\n/, `<<<<<<< HEAD\nhash: "${hash(pointer)}"\n=======\nhash: "blake3:${'0'.repeat(64)}"\n>>>>>>> feat\n`));
    const status = sluice(repo.root, ['data', 'status']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /a\.csv\.sluice has merge conflict markers.*git checkout --ours a\.csv\.sluice.*SLUICE_DATA_POINTER_CONFLICT/s);
    assert.equal(sluice(repo.root, ['data', 'checkout', 'b.csv']).code, 0, 'data elsewhere is unaffected');
    assert.equal(sluice(repo.root, ['data', 'add', 'a.csv']).code, 0);
    assert.equal(sluice(repo.root, ['data', 'status']).code, 0);
  });
});

describe('a remote added by a relative path', { timeout: 120_000 }, () => {
  test('is the directory the path names from where the command runs, kept relative to the workspace root', (t) => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'sub/a.txt': 'a\n' });
    t.after(() => repo.remove());
    const added = sluice(join(repo.root, 'sub'), ['remote', 'add', 'store', '../../store', '--default']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(readFileSync(join(repo.root, '.sluice', 'config.yaml'), 'utf8'), /url: \.\.\/store\n/);
    assert.equal(sluice(join(repo.root, 'sub'), ['data', 'add', 'a.txt']).code, 0);
    // Status from the subfolder names the path as the user would type it there.
    assert.match(sluice(join(repo.root, 'sub'), ['data', 'status']).stdout, /^a\.txt +up to date$/m);
    assert.equal(sluice(join(repo.root, 'sub'), ['data', 'push']).code, 0);
    assert.ok(existsSync(join(repo.root, '..', 'store', 'blake3')), 'pushed to the directory ../../store names from sub/');
  });
});

describe('a push to a remote nothing answers at', { timeout: 120_000 }, () => {
  test('is one storage error (exit 3) naming the remote and what to check, whatever the number of objects', (t) => {
    const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'd/f1': '1\n', 'd/f2': '2\n', 'd/f3': '3\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['data', 'add', 'd']).code, 0);
    assert.equal(sluice(repo.root, ['remote', 'add', 's3', 's3://bucket/prefix', '--endpoint', 'http://127.0.0.1:1', '--region', 'us-east-1']).code, 0);
    const pushed = sluice(repo.root, ['data', 'push', '-r', 's3'], { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    assert.equal(pushed.code, 3, pushed.stderr);
    assert.match(pushed.stderr, /Cannot use the object storage at s3:\/\/bucket\/prefix: .*ECONNREFUSED.*\[SLUICE_STORAGE_UNAVAILABLE\]/s);
    assert.doesNotMatch(pushed.stderr, /could not be pushed/);
  });
});

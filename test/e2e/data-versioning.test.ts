/**
 * Data versioning through the real CLI: a 2,000-file directory tracked, pushed to a local remote
 * and (500 files) to S3 (s3rver), deleted, pulled back byte for byte; a push killed midway and resumed; a
 * tampered remote object caught on pull; history, checkout and garbage collection.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatBytes } from '../../src/cli/format/progress.js';
import { exited, scratchRepo, sluice, sluiceAsync, startSluice, type ScratchRepo } from '../support/cli.js';
import { killTree } from '../support/process-tree.js';
import { startTestS3, type TestS3 } from '../support/s3.js';

const FILES = 2000;

/** A deterministic tree: `files` files (2,000 by default) in 50 directories, sizes 1 byte to ~2 kB. */
function writeDataset(root: string, files = FILES): void {
  for (let index = 0; index < files; index++) {
    const dir = join(root, 'data', 'images', `d${String(index % 50).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${index}.bin`), Buffer.alloc(1 + ((index * 37) % 2000), index % 251));
  }
}

/** The bytes of the dataset's distinct files (equal files are one object): what a pull fetches into an empty cache. */
function distinctBytes(files = FILES): number {
  const sizes = new Map<string, number>();
  for (let index = 0; index < files; index++) {
    const size = 1 + ((index * 37) % 2000);
    sizes.set(`${size}:${index % 251}`, size);
  }
  return [...sizes.values()].reduce((sum, size) => sum + size, 0);
}

/** A digest of every file's path and content, to compare trees byte for byte. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; parentPath: string; name: string }[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(file.slice(dir.length)).update(readFileSync(file));
  return `${files.length}:${hash.digest('hex')}`;
}

describe('data versioning', () => {
  let repo: ScratchRepo;
  let s3: TestS3;
  let digest: string;
  const localRemote = () => join(repo.outside, 'remote');
  before(async () => {
    repo = scratchRepo({ 'README.md': 'data project\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    writeDataset(repo.root);
    digest = treeDigest(join(repo.root, 'data', 'images'));
    s3 = await startTestS3();
  });
  after(async () => {
    await s3.close();
    repo.remove();
  });

  test('add tracks a 2,000-file directory with a pointer file and a .gitignore entry', () => {
    const result = sluice(repo.root, ['data', 'add', 'data/images']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Tracked data\/images \(2000 files, [\d.]+ MB\) → data\/images\.sluice/);
    assert.match(readFileSync(join(repo.root, 'data', 'images.sluice'), 'utf8'), /^hash: "blake3:[0-9a-f]{64}\.dir"\nsize: \d+\nnfiles: 2000$/m);
    assert.match(readFileSync(join(repo.root, '.gitignore'), 'utf8'), /^\/data\/images$/m);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'track images');
    assert.match(sluice(repo.root, ['data', 'status']).stdout, /data\/images\s+up to date/);
  });

  test('push to a local remote, lose cache and copy, pull back byte for byte', () => {
    assert.equal(sluice(repo.root, ['remote', 'add', 'local', localRemote(), '--default']).code, 0);
    const pushed = sluice(repo.root, ['data', 'push']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /2001 objects pushed to local/);
    assert.match(sluice(repo.root, ['data', 'push']).stdout, /0 objects pushed to local .*, 0 B; 2001 already there/);
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    rmSync(join(repo.root, 'data', 'images'), { recursive: true, force: true });
    const pulled = sluice(repo.root, ['data', 'pull']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /Restored data\/images/);
    // Every fetched object's bytes are counted, however many arrive at once.
    assert.ok(pulled.stdout.includes(`objects pulled from local (${localRemote()}), ${formatBytes(distinctBytes())}; 0 already there`), pulled.stdout);
    assert.equal(treeDigest(join(repo.root, 'data', 'images')), digest);
  });

  test('the same round trip through S3 (s3rver)', async () => {
    // Its own workspace with 500 files: s3rver stores each object as files of its own, and the
    // 2,000-file round trip above already covers the scale; this covers the S3 protocol.
    const small = scratchRepo({ 'README.md': 'data project\n' });
    try {
      assert.equal(sluice(small.root, ['init']).code, 0);
      writeDataset(small.root, 500);
      const smallDigest = treeDigest(join(small.root, 'data', 'images'));
      assert.equal(sluice(small.root, ['data', 'add', 'data/images']).code, 0);
      const env = s3.env;
      assert.equal(sluice(small.root, ['remote', 'add', 's3', `s3://${s3.bucket}/team/data`, '--endpoint', env.AWS_ENDPOINT_URL!], env).code, 0);
      const pushed = await sluiceAsync(small.root, ['data', 'push', '-r', 's3', '--jobs', '16'], env);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stdout, /501 objects pushed to s3/);
      rmSync(join(small.root, '.sluice', 'cache'), { recursive: true, force: true });
      rmSync(join(small.root, 'data', 'images'), { recursive: true, force: true });
      const pulled = await sluiceAsync(small.root, ['data', 'pull', '-r', 's3', '--jobs', '16'], env);
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.equal(treeDigest(join(small.root, 'data', 'images')), smallDigest);
    } finally {
      small.remove();
    }
  });

  test('a push killed midway resumes: only the missing objects move', async () => {
    const remote = join(repo.outside, 'resumable');
    assert.equal(sluice(repo.root, ['remote', 'add', 'resumable', remote]).code, 0);
    const child = startSluice(repo.root, ['data', 'push', '-r', 'resumable', '--jobs', '2']);
    // Kill once some objects have landed, long before all 2,001 can.
    for (let waited = 0; waited < 20_000 && !(existsSync(join(remote, 'blake3')) && readdirSync(join(remote, 'blake3')).length > 20); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (child.pid !== undefined) killTree(child.pid);
    await exited(child);
    const resumed = sluice(repo.root, ['data', 'push', '-r', 'resumable']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [, moved, already] = /(\d+) objects pushed to resumable .*; (\d+) already there/.exec(resumed.stdout) ?? [];
    assert.ok(Number(already) > 0, `the first push left objects: ${resumed.stdout}`);
    assert.equal(Number(moved) + Number(already), 2001);
    const leftovers = existsSync(join(remote, 'tmp')) ? readdirSync(join(remote, 'tmp')) : [];
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    rmSync(join(repo.root, 'data', 'images'), { recursive: true, force: true });
    assert.equal(sluice(repo.root, ['data', 'pull', '-r', 'resumable']).code, 0);
    assert.equal(treeDigest(join(repo.root, 'data', 'images')), digest, `complete after the resume (temp files left by the killed push: ${leftovers.length})`);
  });

  test('a tampered remote object is caught on pull and named by path; nothing is overwritten', () => {
    const pointer = readFileSync(join(repo.root, 'data', 'images.sluice'), 'utf8');
    const manifestId = /hash: "blake3:([0-9a-f]{64})\.dir"/.exec(pointer)![1]!;
    const manifest = readFileSync(join(localRemote(), 'blake3', manifestId.slice(0, 2), `${manifestId.slice(2)}.dir`), 'utf8');
    const victim = /"path":"(d07\/f7\.bin)","hash":"blake3:([0-9a-f]{64})"/.exec(manifest) ?? /([^"\n]*f7\.bin)[^\n]*?blake3:([0-9a-f]{64})/.exec(manifest);
    assert.ok(victim, 'the manifest names d07/f7.bin');
    const objectFile = join(localRemote(), 'blake3', victim[2]!.slice(0, 2), victim[2]!.slice(2));
    writeFileSync(objectFile, 'tampered');
    rmSync(join(repo.root, '.sluice', 'cache'), { recursive: true, force: true });
    writeFileSync(join(repo.root, 'data', 'images', 'd00', 'f0.bin'), 'local edit');
    const result = sluice(repo.root, ['data', 'pull', '-r', 'local']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /data\/images\/d07\/f7\.bin: The object blake3:[0-9a-f]{64} in .* is corrupt/);
    assert.equal(readFileSync(join(repo.root, 'data', 'images', 'd00', 'f0.bin'), 'utf8'), 'local edit', 'the working copy was left alone');
  });

  test('a cached object that no longer matches its hash is not pushed: the push names it and the remote stays without it', (t) => {
    const own = scratchRepo({ 'README.md': 'corrupt cache\n', 'labels.csv': 'id,label\n1,cat\n' });
    t.after(() => own.remove());
    assert.equal(sluice(own.root, ['init']).code, 0);
    assert.equal(sluice(own.root, ['data', 'add', 'labels.csv']).code, 0);
    const hex = /hash: "blake3:([0-9a-f]{64})"/.exec(readFileSync(join(own.root, 'labels.csv.sluice'), 'utf8'))![1]!;
    const object = join(own.root, '.sluice', 'cache', 'blake3', hex.slice(0, 2), hex.slice(2));
    chmodSync(object, 0o644);
    writeFileSync(object, 'id,label\n1,dog\n'); // an edit through a hard link lands here
    const remote = join(own.outside, 'remote');
    assert.equal(sluice(own.root, ['remote', 'add', 'local', remote, '--default']).code, 0);
    const pushed = sluice(own.root, ['data', 'push']);
    assert.equal(pushed.code, 1, pushed.stderr);
    assert.match(pushed.stderr, new RegExp(`labels\\.csv: The cached object blake3:${hex} \\(labels\\.csv\\) is corrupt: its bytes hash to blake3:[0-9a-f]{64}\\. It was not pushed`));
    assert.equal(existsSync(join(remote, 'blake3', hex.slice(0, 2), hex.slice(2))), false);
    assert.equal(existsSync(object), false, 'the corrupt object left the cache');
  });

  test('a new version shows in data diff, file by file; checkout goes back', async () => {
    // The tampered-remote test left a local edit that no version holds: pull keeps it unless forced.
    const kept = await sluiceAsync(repo.root, ['data', 'pull', '-r', 'resumable']);
    assert.equal(kept.code, 2);
    assert.match(kept.stderr, /Not restored, to keep changes that are saved nowhere else: data\/images/);
    assert.equal((await sluiceAsync(repo.root, ['data', 'pull', '-r', 'resumable', '--force'])).code, 0);
    writeFileSync(join(repo.root, 'data', 'images', 'd01', 'f1.bin'), 'changed');
    writeFileSync(join(repo.root, 'data', 'images', 'added.txt'), 'new');
    rmSync(join(repo.root, 'data', 'images', 'd02', 'f2.bin'));
    const diff = sluice(repo.root, ['data', 'diff']).stdout;
    assert.match(diff, /modified\s+data\/images\/d01\/f1\.bin/);
    assert.match(diff, /added\s+data\/images\/added\.txt/);
    assert.match(diff, /deleted\s+data\/images\/d02\/f2\.bin/);
    assert.match(diff, /1 added, 1 modified, 1 deleted/);
    const refused = sluice(repo.root, ['data', 'checkout']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Not restored, to keep changes that are saved nowhere else: data\/images/);
    assert.equal(readFileSync(join(repo.root, 'data', 'images', 'added.txt'), 'utf8'), 'new', 'the unsaved file is still there');
    assert.equal(sluice(repo.root, ['data', 'checkout', '--force']).code, 0);
    assert.equal(treeDigest(join(repo.root, 'data', 'images')), digest);
  });

  test('gc on a cache shared with another checkout needs --projects naming it, and then keeps what that checkout references', (t) => {
    const shared = join(repo.outside, 'shared-cache');
    const checkout = (name: string, content: string) => {
      const made = scratchRepo({ 'README.md': `${name}\n`, 'labels.csv': content });
      t.after(() => made.remove());
      assert.equal(sluice(made.root, ['init']).code, 0);
      const config = join(made.root, '.sluice', 'config.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('dir: .sluice/cache', `dir: ${shared}`));
      assert.equal(sluice(made.root, ['data', 'add', 'labels.csv']).code, 0);
      return made;
    };
    const first = checkout('first', 'id\n1\n');
    const second = checkout('second', 'id\n2\n'); // its version is in no commit of the first
    const refused = sluice(first.root, ['data', 'gc', '--force']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /outside this workspace .* other checkouts may share it.*--projects.*SLUICE_DATA_SHARED_CACHE_GC/s);
    const collected = sluice(first.root, ['data', 'gc', '--force', '--projects', second.root]);
    assert.equal(collected.code, 0, collected.stderr);
    rmSync(join(second.root, 'labels.csv'));
    assert.equal(sluice(second.root, ['data', 'checkout']).code, 0, 'the second checkout still restores its version');
    assert.equal(readFileSync(join(second.root, 'labels.csv'), 'utf8'), 'id\n2\n');
  });

  test('gc is a dry run by default and keeps what any commit references', () => {
    writeFileSync(join(repo.root, 'data', 'images', 'extra.txt'), 'v2');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/images']).code, 0);
    repo.git('commit', '-qam', 'v2');
    writeFileSync(join(repo.root, 'data', 'images', 'scratch.txt'), 'never committed');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/images']).code, 0);
    repo.git('checkout', '-q', '--', 'data/images.sluice');
    const dry = sluice(repo.root, ['data', 'gc']);
    assert.match(dry.stdout, /^2 cache objects .* are not referenced .*Nothing was removed/m);
    assert.equal(sluice(repo.root, ['data', 'gc', '--force']).code, 0);
    const clean = sluice(repo.root, ['data', 'gc']).stdout;
    assert.match(clean, /^Nothing to remove: all \d+ cache objects are referenced/m);
    assert.doesNotMatch(clean, /--force/, 'nothing to remove asks for nothing');
    repo.git('checkout', '-q', 'HEAD~1', '--', 'data/images.sluice');
    // scratch.txt is still in the working copy, and gc dropped the only version that held it.
    assert.match(sluice(repo.root, ['data', 'checkout']).stderr, /saved nowhere else: data\/images/);
    assert.equal(sluice(repo.root, ['data', 'checkout', '--force']).code, 0, 'the previous commit\'s version is still in the cache');
  });

  test('a file git already tracks moves to a pointer: git keeps the pointer, the file stays', () => {
    repo.write('labels.csv', 'id,label\n1,cat\n');
    repo.git('add', 'labels.csv');
    repo.git('commit', '-qm', 'labels in git');
    const result = sluice(repo.root, ['data', 'add', 'labels.csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /git tracked labels\.csv itself: removed from the index \(git rm --cached\)/);
    assert.equal(repo.git('ls-files', 'labels.csv'), '');
    assert.equal(readFileSync(join(repo.root, 'labels.csv'), 'utf8'), 'id,label\n1,cat\n');
  });

  test('a pointer cannot name a path outside its own directory', () => {
    mkdirSync(join(repo.root, 'sub'), { recursive: true });
    const pointer = readFileSync(join(repo.root, 'data', 'images.sluice'), 'utf8').replace(/^path: .*$/m, 'path: "../../escape"');
    writeFileSync(join(repo.root, 'sub', 'evil.sluice'), pointer);
    const result = sluice(repo.root, ['data', 'checkout']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /sub\/evil\.sluice:\d+:\d+: .*must be a file or directory name in the pointer file's directory/);
    assert.equal(existsSync(join(repo.outside, '..', 'escape')), false);
    rmSync(join(repo.root, 'sub'), { recursive: true, force: true });
  });

  test('bad input gets a clear error', () => {
    assert.match(sluice(repo.root, ['data', 'add', 'nope']).stderr, /Cannot track nope: no such file or directory/);
    assert.match(sluice(repo.root, ['data', 'add', '.sluice/config.yaml']).stderr, /\.sluice\/ belongs to Sluice/);
    assert.match(sluice(repo.root, ['data', 'push', '-r', 'nowhere']).stderr, /There is no remote "nowhere" \(configured: local, resumable\)/);
  });
});

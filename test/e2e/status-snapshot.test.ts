/**
 * The status snapshot: a `sluice status` that finds everything up to date records what it read,
 * and the next one answers from it while every recorded stat and fingerprint holds. Each change
 * a user can make must void it, so that status then reports the change exactly as without it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { checkStatusSnapshot } from '../../src/pipeline/index.js';
import { ageFiles, scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `stages:
  count:
    cmd: ls data > count.txt
    deps: [data]
    params:
      - hyper.yaml: [threshold]
    outs: [count.txt]
`;

const UP_TO_DATE = 'Pipeline is up to date.\n';

function snapshotFile(root: string): string {
  return join(root, '.sluice', 'tmp', 'status-snapshot.json');
}

/** The snapshot as written, parsed (for the build it names). */
function readSnapshot(root: string): { build: string; root: string } {
  return JSON.parse(readFileSync(snapshotFile(root), 'utf8')) as { build: string; root: string };
}

describe('the status snapshot', () => {
  const repos: ScratchRepo[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) repo.remove();
  });

  /** A repository whose pipeline has run, its files aged (see ageFiles). */
  function ranAndAged(pipeline: string): ScratchRepo {
    const repo = scratchRepo({ 'sluice.yaml': pipeline, 'hyper.yaml': 'threshold: 1\n', 'data/a.txt': 'a', 'data/sub/b.txt': 'b' });
    repos.push(repo);
    const run = sluice(repo.root, ['run']);
    assert.equal(run.code, 0, run.stderr);
    ageFiles(repo.root);
    return repo;
  }

  /** A repository whose pipeline has run, then one status that wrote the snapshot. */
  function snapshotted(): ScratchRepo {
    const repo = ranAndAged(PIPELINE);
    const status = sluice(repo.root, ['status']);
    assert.equal(status.stdout, UP_TO_DATE, status.stderr);
    assert.ok(existsSync(snapshotFile(repo.root)), 'the up-to-date status wrote its snapshot');
    return repo;
  }

  /** `sluice status` after a change: the full check's report. */
  function statusAfter(repo: ScratchRepo, change: () => void): { code: number | null; stdout: string; stderr: string } {
    change();
    return sluice(repo.root, ['status']);
  }

  test('an up-to-date status keeps a snapshot, and the next status is answered from it', () => {
    const repo = snapshotted();
    const check = checkStatusSnapshot(repo.root, { build: readSnapshot(repo.root).build });
    assert.deepEqual(check, { fresh: true, root: repo.root, reports: [{ stage: 'count', state: 'up-to-date', changes: [], reasons: [], upstream: [] }] });
    assert.equal(sluice(repo.root, ['status']).stdout, UP_TO_DATE);
  });

  test('status --json answered from the snapshot prints what the full check prints', () => {
    const repo = snapshotted();
    const fast = sluice(repo.root, ['status', '--json']);
    rmSync(snapshotFile(repo.root));
    const full = sluice(repo.root, ['status', '--json']);
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(fast.stdout, full.stdout);
    assert.equal(JSON.parse(fast.stdout).upToDate, true);
  });

  test('a run that finds nothing to do keeps the snapshot too, for the status after it', () => {
    const repo = ranAndAged(PIPELINE);
    const run = sluice(repo.root, ['run']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(snapshotFile(repo.root)), 'the no-op run wrote the snapshot');
    const fast = sluice(repo.root, ['status', '--json']);
    rmSync(snapshotFile(repo.root));
    assert.equal(fast.stdout, sluice(repo.root, ['status', '--json']).stdout);
  });

  test('a run that runs a stage leaves no snapshot behind', () => {
    const repo = snapshotted();
    writeFileSync(join(repo.root, 'data', 'a.txt'), 'z');
    const run = sluice(repo.root, ['run']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(snapshotFile(repo.root)), false);
  });

  test('sluice.yaml edited to the same size: the changed command is reported', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => writeFileSync(join(repo.root, 'sluice.yaml'), PIPELINE.replace('ls data', 'du data')));
    assert.equal(PIPELINE.replace('ls data', 'du data').length, PIPELINE.length);
    assert.match(result.stdout, /count: changed\n {4}cmd changed: ls data > count.txt → du data > count.txt\n/);
  });

  test('a params file edited: the changed param is reported', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => writeFileSync(join(repo.root, 'hyper.yaml'), 'threshold: 2\n'));
    assert.match(result.stdout, /param changed: threshold 1 → 2/);
  });

  test('the default params.yaml appearing voids it: a broken one is reported as the full check reports it', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => writeFileSync(join(repo.root, 'params.yaml'), 'threshold: [1\n'));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /params\.yaml/);
    assert.equal(result.stdout, '');
  });

  test('a file in a tracked directory modified to the same size: the dep is reported modified', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => writeFileSync(join(repo.root, 'data', 'a.txt'), 'z'));
    assert.match(result.stdout, /count: changed\n {4}dep modified: data\n/);
  });

  test('a file added to a tracked directory: the dep is reported modified', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => writeFileSync(join(repo.root, 'data', 'sub', 'c.txt'), 'c'));
    assert.match(result.stdout, /dep modified: data/);
  });

  test('a file removed from a tracked directory: the dep is reported modified', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => rmSync(join(repo.root, 'data', 'sub', 'b.txt')));
    assert.match(result.stdout, /dep modified: data/);
  });

  test('an out modified: it is reported, and the snapshot is removed', () => {
    const repo = snapshotted();
    const out = join(repo.root, 'count.txt');
    // Replaced, not written in place: the out may be a read-only hardlink into the cache.
    const result = statusAfter(repo, () => {
      rmSync(out);
      writeFileSync(out, 'changed\n');
    });
    assert.match(result.stdout, /count: outs changed\n {4}out modified: count\.txt\n/);
    assert.equal(existsSync(snapshotFile(repo.root)), false);
  });

  test('sluice.lock removed: the stage is reported never run', () => {
    const repo = snapshotted();
    const result = statusAfter(repo, () => rmSync(join(repo.root, 'sluice.lock')));
    assert.match(result.stdout, /count: changed\n {4}never run\n/);
  });

  test('an environment the workspace cannot open with is reported as the full check reports it', () => {
    const repo = snapshotted();
    const result = sluice(repo.root, ['status'], { SLUICE_DATABASE_URL: 'mysql://db.example.com/sluice' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /mysql:\/\/db\.example\.com\/sluice/);
  });

  test('a snapshot written by another build is not trusted: status checks in full and writes its own', () => {
    const repo = snapshotted();
    const written = readSnapshot(repo.root);
    assert.deepEqual(checkStatusSnapshot(repo.root, { build: 'another-build' }), { fresh: false, reason: 'written by another build' });
    writeFileSync(snapshotFile(repo.root), readFileSync(snapshotFile(repo.root), 'utf8').replace(written.build, 'another-build'));
    assert.equal(sluice(repo.root, ['status']).stdout, UP_TO_DATE);
    assert.equal(readSnapshot(repo.root).build, written.build);
  });

  test('a snapshot of another checkout (the repository moved) is not trusted', () => {
    const repo = snapshotted();
    const { build } = readSnapshot(repo.root);
    const moved = join(dirname(repo.root), 'moved');
    renameSync(repo.root, moved);
    try {
      // Every file kept its inode and times: only the root tells the snapshot is another checkout's.
      assert.deepEqual(checkStatusSnapshot(moved, { build }), { fresh: false, reason: 'written for another checkout' });
      assert.equal(sluice(moved, ['status']).stdout, UP_TO_DATE);
      assert.equal(readSnapshot(moved).root, moved);
    } finally {
      renameSync(moved, repo.root);
    }
  });

  test('a pipeline with a stage depending on the registry never keeps a snapshot', () => {
    const repo = ranAndAged(`${PIPELINE}  judge:
    cmd: echo judged > judged.txt
    deps: [models:/classifier@champion]
    outs: [judged.txt]
`);
    assert.equal(sluice(repo.root, ['status']).stdout, UP_TO_DATE);
    assert.equal(existsSync(snapshotFile(repo.root)), false);
  });

  test('a file modified within the racy margin of the check (or later) keeps the snapshot from being written', () => {
    const repo = ranAndAged(PIPELINE);
    const soon = new Date(Date.now() + 60_000);
    utimesSync(join(repo.root, 'hyper.yaml'), soon, soon);
    assert.equal(sluice(repo.root, ['status']).stdout, UP_TO_DATE);
    assert.equal(existsSync(snapshotFile(repo.root)), false);
  });
});

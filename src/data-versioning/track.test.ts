/**
 * `addData`, `dataStatus` and `toWorkspacePath` in-process, on a real git repository and the
 * real object cache: what add records, how status compares the working copy with its pointers,
 * and which paths cannot be tracked.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { addData, checkoutData, dataStatus, readPointer, toWorkspacePath } from './index.js';

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const states = async (repo: DataRepo, targets: string[] = []) => Object.fromEntries((await dataStatus(repo.data, targets)).map((status) => [status.target, status.state]));

describe('data add and status', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  beforeEach(async () => (repo = await openDataRepo()));
  afterEach(async () => repo.dispose());

  test('add stores a file in the cache, writes its pointer and ignores the data in git', async () => {
    repo.write('data/train.csv', 'a,b\n1,2\n');
    const [added] = await addData(repo.data, ['data/train.csv']);
    assert.ok(added);
    assert.equal(added.target, 'data/train.csv');
    assert.equal(added.pointerFile, 'data/train.csv.sluice');
    assert.match(added.hash, /^blake3:[0-9a-f]{64}$/);
    assert.equal(added.size, 8);
    assert.equal(added.files, 1);
    assert.equal(added.changed, true);
    assert.equal(added.untracked, false);
    assert.ok(repo.data.cache.has(added.hash));
    assert.deepEqual(readPointer(repo.root, added.pointerFile).pointer, { path: 'train.csv', hash: added.hash, size: 8 });
    assert.match(readFileSync(join(repo.root, '.gitignore'), 'utf8'), /^\/data\/train\.csv$/m);
    assert.equal(repo.repo.git('status', '--porcelain', '--', 'data/train.csv'), '', 'git ignores the data itself');
  });

  test('adding unchanged data again reports it unchanged; changed data gets a new version', async () => {
    repo.write('a.txt', 'one\n');
    const [first] = await addData(repo.data, ['a.txt']);
    const [again] = await addData(repo.data, ['a.txt']);
    assert.equal(again?.changed, false);
    assert.equal(again?.hash, first?.hash);
    repo.write('a.txt', 'two, longer\n');
    const [second] = await addData(repo.data, ['a.txt']);
    assert.equal(second?.changed, true);
    assert.notEqual(second?.hash, first?.hash);
    assert.ok(repo.data.cache.has(first!.hash) && repo.data.cache.has(second!.hash), 'both versions are in the cache');
  });

  test('a directory is one version: a manifest id, its file count and total size', async () => {
    repo.write('images/a.bin', 'aaaa');
    repo.write('images/sub/b.bin', 'bb');
    repo.write('images/sub/c.bin', '');
    const [added] = await addData(repo.data, ['images']);
    assert.match(added!.hash, /^blake3:[0-9a-f]{64}\.dir$/);
    assert.equal(added!.files, 3);
    assert.equal(added!.size, 6);
    assert.deepEqual(readPointer(repo.root, 'images.sluice').pointer, { path: 'images', hash: added!.hash, size: 6, nfiles: 3 });
    assert.deepEqual(repo.data.cache.readManifest(added!.hash).map((entry) => entry.path).sort(), ['a.bin', 'sub/b.bin', 'sub/c.bin']);
  });

  test('an executable file is recorded as such', async () => {
    repo.write('run.sh', '#!/bin/sh\necho hi\n');
    chmodSync(join(repo.root, 'run.sh'), 0o755);
    await addData(repo.data, ['run.sh']);
    assert.equal(readPointer(repo.root, 'run.sh.sluice').pointer.isexec, true);
  });

  test('a file git tracked moves to a pointer: removed from the index, left on disk', async () => {
    repo.write('big.csv', 'x\n1\n');
    repo.repo.git('add', 'big.csv');
    repo.repo.git('commit', '-qm', 'big file in git');
    const [added] = await addData(repo.data, ['big.csv']);
    assert.equal(added?.untracked, true);
    assert.equal(repo.repo.git('ls-files', '--', 'big.csv'), '');
    assert.equal(repo.read('big.csv').toString(), 'x\n1\n');
  });

  test('status: unchanged after add, modified after an edit, missing after deletion', async () => {
    repo.write('a.txt', 'alpha\n');
    repo.write('b.txt', 'beta\n');
    repo.write('c.txt', 'gamma\n');
    repo.write('dir/d.txt', 'delta\n');
    await addData(repo.data, ['a.txt', 'b.txt', 'c.txt', 'dir']);
    assert.deepEqual(await states(repo), { 'a.txt': 'unchanged', 'b.txt': 'unchanged', 'c.txt': 'unchanged', dir: 'unchanged' });
    repo.write('b.txt', 'beta, edited\n');
    repo.removePath('c.txt');
    repo.write('dir/e.txt', 'a new file in a tracked directory\n');
    assert.deepEqual(await states(repo), { 'a.txt': 'unchanged', 'b.txt': 'modified', 'c.txt': 'missing', dir: 'modified' });
    const b = (await dataStatus(repo.data, ['b.txt']))[0]!;
    assert.notEqual(b.workspaceHash, b.hash);
    assert.equal(b.pointerFile, 'b.txt.sluice');
    assert.equal((await dataStatus(repo.data, ['c.txt']))[0]!.workspaceHash, undefined);
  });

  test('status: a working copy holding another version the cache keeps is not checked out, and checkout restores the tracked one without --force', async () => {
    repo.write('a.txt', 'first\n');
    await addData(repo.data, ['a.txt']);
    repo.write('a.txt', 'second\n');
    await addData(repo.data, ['a.txt']);
    // The pointer names the second version; the working copy goes back to the first, as a
    // `git checkout` of an older pointer leaves it before `sluice data checkout`.
    repo.write('a.txt', 'first\n');
    assert.deepEqual(await states(repo), { 'a.txt': 'not-checked-out' });
    const result = await checkoutData(repo.data, []);
    assert.deepEqual(result.restored, ['a.txt']);
    assert.equal(repo.read('a.txt').toString(), 'second\n');
    assert.deepEqual(await states(repo), { 'a.txt': 'unchanged' });
  });

  test('status names data whose version is not in the local cache (a fresh clone)', async () => {
    repo.write('a.txt', 'alpha\n');
    await addData(repo.data, ['a.txt']);
    repo.emptyCache();
    const [status] = await dataStatus(repo.data);
    assert.equal(status?.state, 'not-in-cache');
    assert.equal(status?.inCache, false);
  });

  test('status of named targets only, and of nothing when nothing is tracked', async () => {
    assert.deepEqual(await dataStatus(repo.data), []);
    repo.write('a.txt', 'a\n');
    repo.write('b.txt', 'b\n');
    await addData(repo.data, ['a.txt', 'b.txt']);
    assert.deepEqual(Object.keys(await states(repo, ['b.txt'])), ['b.txt']);
  });

  test('a path that does not exist is refused, naming it', async () => {
    await rejectsWith(addData(repo.data, ['nope.csv']), 'SLUICE_DATA_PATH_MISSING', /Cannot track nope\.csv: no such file/);
  });

  test('paths Sluice or git own, pointer files and paths overlapping tracked data are refused', async () => {
    repo.write('data/a.txt', 'a\n');
    await addData(repo.data, ['data']);
    await rejectsWith(addData(repo.data, ['.sluice/config.yaml']), 'SLUICE_DATA_PATH_NOT_ALLOWED', /\.sluice\/ belongs to Sluice/);
    await rejectsWith(addData(repo.data, ['.git/HEAD']), 'SLUICE_DATA_PATH_NOT_ALLOWED', /\.git\/ belongs to git/);
    await rejectsWith(addData(repo.data, ['data.sluice']), 'SLUICE_DATA_PATH_NOT_ALLOWED', /it is a pointer file/);
    await rejectsWith(addData(repo.data, ['data/a.txt']), 'SLUICE_DATA_PATH_NOT_ALLOWED', /overlaps data, which data\.sluice tracks/);
  });

  test('a malformed pointer file in the working copy stops status with an error naming it', async () => {
    repo.write('data/broken.csv.sluice', 'path: broken.csv\nhash: sha256:abc\nsize: 1\n');
    await assert.rejects(dataStatus(repo.data), (error: Error & { code?: string; location?: { file: string } }) => {
      assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
      assert.equal(error.location?.file, 'data/broken.csv.sluice');
      return true;
    });
  });

  test('toWorkspacePath makes paths relative to the root and refuses ones outside it', () => {
    assert.equal(toWorkspacePath(repo.root, 'a/b.csv', repo.root), 'a/b.csv');
    assert.equal(toWorkspacePath(repo.root, 'b.csv', join(repo.root, 'a')), 'a/b.csv');
    assert.equal(toWorkspacePath(repo.root, join(repo.root, 'c', 'd')), 'c/d');
    for (const outside of ['../elsewhere', repo.repo.outside, '.']) {
      assert.throws(() => toWorkspacePath(repo.root, outside, repo.root), (error: Error & { code?: string }) => error.code === 'SLUICE_DATA_PATH_NOT_ALLOWED' && /not inside the repository/.test(error.message));
    }
  });
});

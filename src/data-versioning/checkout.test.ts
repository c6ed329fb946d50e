/**
 * `checkoutData`: restores the versions pointers name, byte for byte, from the cache; keeps
 * changes saved nowhere else unless forced; says what it could not restore.
 */
import assert from 'node:assert/strict';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { addData, checkoutData, dataStatus } from './index.js';

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<Error & { details?: Record<string, unknown> }> {
  let caught: (Error & { code?: string; details?: Record<string, unknown> }) | undefined;
  await assert.rejects(promise, (error: Error & { code?: string; details?: Record<string, unknown> }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    caught = error;
    return true;
  });
  return caught!;
}

/** Bytes that are not text, so a restored copy is compared byte for byte. */
const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 131 + 7) % 256));

describe('data checkout', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  beforeEach(async () => (repo = await openDataRepo()));
  afterEach(async () => repo.dispose());

  test('a deleted file is restored byte-identical; unchanged data is left alone', async () => {
    repo.write('model.bin', BINARY);
    repo.write('notes.txt', 'keep\n');
    await addData(repo.data, ['model.bin', 'notes.txt']);
    repo.removePath('model.bin');
    const result = await checkoutData(repo.data);
    assert.deepEqual(result, { restored: ['model.bin'], unchanged: ['notes.txt'] });
    assert.ok(repo.read('model.bin').equals(BINARY));
    assert.deepEqual((await dataStatus(repo.data)).map((status) => status.state), ['unchanged', 'unchanged']);
  });

  test('a directory is restored file by file: deleted files come back, added ones go', async () => {
    repo.write('images/a.bin', BINARY);
    repo.write('images/sub/b.bin', 'bee\n');
    await addData(repo.data, ['images']);
    repo.removePath('images/a.bin');
    repo.write('images/stray.bin', 'not in the version\n');
    // The stray file is in no version: only force may discard it.
    await rejectsWith(checkoutData(repo.data, ['images']), 'SLUICE_DATA_UNSAVED_CHANGES', /images/);
    await checkoutData(repo.data, ['images'], undefined, { force: true });
    assert.ok(repo.read('images/a.bin').equals(BINARY));
    assert.equal(repo.read('images/sub/b.bin').toString(), 'bee\n');
    assert.throws(() => repo.read('images/stray.bin'), /ENOENT/);
  });

  test('an edit saved nowhere is kept, and the error names it; force replaces it', async () => {
    repo.write('a.txt', 'version one\n');
    await addData(repo.data, ['a.txt']);
    repo.write('a.txt', 'unsaved work, longer\n');
    const error = await rejectsWith(checkoutData(repo.data), 'SLUICE_DATA_UNSAVED_CHANGES', /Not restored, to keep changes that are saved nowhere else: a\.txt/);
    assert.deepEqual(error.details?.restored, []);
    assert.equal(repo.read('a.txt').toString(), 'unsaved work, longer\n');
    assert.deepEqual(await checkoutData(repo.data, [], undefined, { force: true }), { restored: ['a.txt'], unchanged: [] });
    assert.equal(repo.read('a.txt').toString(), 'version one\n');
  });

  test('content that another version holds is replaced without force (it is in the cache)', async () => {
    repo.write('a.txt', 'version one\n');
    const [first] = await addData(repo.data, ['a.txt']);
    const pointerOne = repo.read('a.txt.sluice');
    repo.write('a.txt', 'version two, longer\n');
    await addData(repo.data, ['a.txt']);
    // Back to the first pointer, as `git checkout` of an older commit would do.
    repo.write('a.txt.sluice', pointerOne);
    const result = await checkoutData(repo.data);
    assert.deepEqual(result.restored, ['a.txt']);
    assert.equal(repo.read('a.txt').toString(), 'version one\n');
    assert.equal((await dataStatus(repo.data))[0]?.hash, first?.hash);
  });

  test('what is restorable is restored before the rest is reported', async () => {
    repo.write('here.txt', 'in the cache\n');
    repo.write('gone.txt', 'will leave the cache\n');
    repo.write('edited.txt', 'original\n');
    await addData(repo.data, ['gone.txt']);
    repo.emptyCache();
    await addData(repo.data, ['here.txt', 'edited.txt']);
    repo.removePath('here.txt');
    repo.removePath('gone.txt');
    const error = await rejectsWith(checkoutData(repo.data), 'SLUICE_DATA_NOT_IN_CACHE', /Not in the local cache, so not restored: gone\.txt/);
    assert.deepEqual(error.details?.restored, ['here.txt']);
    assert.equal(repo.read('here.txt').toString(), 'in the cache\n');
  });

  test('only the named targets are touched', async () => {
    repo.write('a.txt', 'a\n');
    repo.write('b.txt', 'b\n');
    await addData(repo.data, ['a.txt', 'b.txt']);
    repo.removePath('a.txt');
    repo.removePath('b.txt');
    assert.deepEqual(await checkoutData(repo.data, ['b.txt']), { restored: ['b.txt'], unchanged: [] });
    assert.throws(() => repo.read('a.txt'), /ENOENT/);
  });

  test('an executable file comes back executable, a plain one writable and not executable', async () => {
    repo.write('run.sh', '#!/bin/sh\n');
    repo.write('plain.txt', 'plain\n');
    chmodSync(join(repo.root, 'run.sh'), 0o755);
    await addData(repo.data, ['run.sh', 'plain.txt']);
    repo.removePath('run.sh');
    repo.removePath('plain.txt');
    await checkoutData(repo.data);
    assert.equal(statSync(join(repo.root, 'run.sh')).mode & 0o777, 0o755);
    const plain = statSync(join(repo.root, 'plain.txt')).mode & 0o777;
    assert.equal(plain & 0o111, 0);
    assert.notEqual(plain & 0o200, 0, 'tracked data is the user\'s to edit');
  });

  test('a restored file does not share its bytes with the cache: editing it leaves the object intact', async () => {
    repo.write('a.txt', 'original\n');
    const [added] = await addData(repo.data, ['a.txt']);
    repo.removePath('a.txt');
    await checkoutData(repo.data);
    repo.write('a.txt', 'edited in place\n');
    repo.removePath('a.txt');
    await checkoutData(repo.data);
    assert.equal(repo.read('a.txt').toString(), 'original\n');
    assert.ok(repo.data.cache.has(added!.hash));
  });
});

/**
 * `pushData` and `pullData` with a local-directory remote: only what the other side lacks moves;
 * a pull into an empty cache restores the working copy byte for byte; a tampered or missing
 * remote object is refused, named by path, and nothing is overwritten with bad data.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { LocalObjectStorage, objectKey } from '../cache/index.js';
import { addData, dataStatus, pullData, pushData, type TransferProgress } from './index.js';

const BINARY = Buffer.from(Array.from({ length: 5000 }, (_, k) => (k * 197 + 3) % 256));

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('data push and pull', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  let remote: LocalObjectStorage;
  let remoteDir: string;
  /** Replaces a remote object's bytes (objects are stored read-only). */
  const tamper = (id: string, bytes: string) => {
    const path = join(remoteDir, objectKey(id));
    chmodSync(path, 0o644);
    writeFileSync(path, bytes);
  };
  /** Tracks model.bin (a file) and images/ (3 files); returns their object ids. */
  const trackSample = async () => {
    repo.write('model.bin', BINARY);
    repo.write('images/a.png', 'aaaa');
    repo.write('images/b.png', 'bbbbbb');
    repo.write('images/deep/c.png', BINARY.subarray(0, 100));
    const [model, images] = await addData(repo.data, ['model.bin', 'images']);
    return { model: model!.hash, images: images!.hash };
  };
  /** A fresh clone's state: empty cache, no data in the working copy. */
  const loseLocalCopies = () => {
    repo.emptyCache();
    repo.removePath('model.bin');
    repo.removePath('images');
  };
  beforeEach(async () => {
    repo = await openDataRepo();
    remoteDir = join(repo.repo.outside, 'remote');
    remote = new LocalObjectStorage(remoteDir);
  });
  afterEach(async () => repo.dispose());

  test('push sends every object once; a second push sends nothing', async () => {
    const ids = await trackSample();
    const first = await pushData(repo.data, remote, []);
    // model.bin, three image files and the images manifest.
    assert.equal(first.transferred, 5);
    assert.equal(first.skipped, 0);
    assert.ok(await remote.has(ids.model));
    assert.ok(await remote.has(ids.images));
    const second = await pushData(repo.data, remote, []);
    assert.deepEqual([second.transferred, second.skipped], [0, 5]);
  });

  test('pull into an empty cache restores the working copy byte-identical', async () => {
    await trackSample();
    await pushData(repo.data, remote, []);
    loseLocalCopies();
    const report = await pullData(repo.data, remote, []);
    assert.deepEqual([...report.checkedOut].sort(), ['images', 'model.bin']);
    assert.ok(repo.read('model.bin').equals(BINARY));
    assert.equal(repo.read('images/a.png').toString(), 'aaaa');
    assert.equal(repo.read('images/b.png').toString(), 'bbbbbb');
    assert.ok(repo.read('images/deep/c.png').equals(BINARY.subarray(0, 100)));
    assert.deepEqual((await dataStatus(repo.data)).map((status) => status.state), ['unchanged', 'unchanged']);
  });

  test('push and pull of named targets move only those', async () => {
    const ids = await trackSample();
    await pushData(repo.data, remote, ['model.bin']);
    assert.ok(await remote.has(ids.model));
    assert.equal(await remote.has(ids.images), false);
    await pushData(repo.data, remote, []);
    loseLocalCopies();
    const report = await pullData(repo.data, remote, ['images']);
    assert.deepEqual(report.checkedOut, ['images']);
    assert.equal(existsSync(join(repo.root, 'model.bin')), false);
    assert.equal(repo.data.cache.has(ids.model), false);
  });

  test('a tampered remote file object is refused on pull, named by its path; the rest arrives', async () => {
    const ids = await trackSample();
    await pushData(repo.data, remote, []);
    tamper(ids.model, 'not the model');
    loseLocalCopies();
    await rejectsWith(pullData(repo.data, remote, []), 'SLUICE_DATA_TRANSFER_INCOMPLETE', new RegExp(`1 of \\d+ objects could not be pulled: model\\.bin: The object ${ids.model} .* is corrupt`));
    assert.equal(repo.data.cache.has(ids.model), false, 'the bad bytes were not stored');
    assert.equal(existsSync(join(repo.root, 'model.bin')), false, 'nothing was written in its place');
    assert.equal(repo.read('images/a.png').toString(), 'aaaa', 'intact data was checked out');
  });

  test('a tampered file inside a directory is named by its path, and the directory is left as it was', async () => {
    await trackSample();
    await pushData(repo.data, remote, []);
    const entry = repo.data.cache.readManifest((await dataStatus(repo.data, ['images']))[0]!.hash).find((file) => file.path === 'b.png')!;
    tamper(entry.hash, 'bbbbbX');
    repo.emptyCache();
    repo.write('images/b.png', 'local edit, longer');
    await rejectsWith(pullData(repo.data, remote, []), 'SLUICE_DATA_TRANSFER_INCOMPLETE', /images\/b\.png: The object .* is corrupt/);
    assert.equal(repo.read('images/b.png').toString(), 'local edit, longer');
    assert.ok(repo.read('model.bin').equals(BINARY));
  });

  test('a tampered directory manifest is refused', async () => {
    const ids = await trackSample();
    await pushData(repo.data, remote, []);
    tamper(ids.images, 'a.png\tblake3:00\n');
    loseLocalCopies();
    await rejectsWith(pullData(repo.data, remote, []), 'SLUICE_DATA_TRANSFER_INCOMPLETE', /images: The object .*\.dir .* is corrupt/);
    assert.equal(existsSync(join(repo.root, 'images')), false);
    assert.ok(repo.read('model.bin').equals(BINARY));
  });

  test('an object missing from the remote is named on pull', async () => {
    const ids = await trackSample();
    await pushData(repo.data, remote, []);
    rmSync(join(remoteDir, objectKey(ids.model)), { force: true });
    loseLocalCopies();
    await rejectsWith(pullData(repo.data, remote, []), 'SLUICE_DATA_TRANSFER_INCOMPLETE', new RegExp(`model\\.bin: Object ${ids.model} is not in `));
  });

  test('push names data that is not in the local cache, and still sends the rest', async () => {
    const ids = await trackSample();
    repo.emptyCache();
    repo.write('other.txt', 'other\n');
    const [other] = await addData(repo.data, ['other.txt']);
    await rejectsWith(pushData(repo.data, remote, []), 'SLUICE_DATA_TRANSFER_INCOMPLETE', /model\.bin \(blake3:[0-9a-f]+\) is not in the local cache/);
    assert.ok(await remote.has(other!.hash));
    assert.equal(await remote.has(ids.model), false);
  });

  test('progress counts up to the totals, and a large push lists the remote once', async () => {
    for (let k = 0; k < 40; k++) repo.write(`many/f${k}.txt`, `file ${k}\n`);
    await addData(repo.data, ['many']);
    const seen: TransferProgress[] = [];
    const report = await pushData(repo.data, remote, [], { jobs: 3, onProgress: (progress) => seen.push(progress) });
    assert.equal(report.transferred, 41);
    const last = seen.at(-1)!;
    assert.equal(last.files, last.totalFiles);
    assert.equal(last.files, 41);
    assert.equal(last.bytes, last.totalBytes);
    assert.deepEqual(seen.map((progress) => progress.files), Array.from({ length: 41 }, (_, k) => k + 1));
    const again = await pushData(repo.data, remote, []);
    assert.deepEqual([again.transferred, again.skipped], [0, 41]);
  });

  test('pull keeps an unsaved local edit unless forced', async () => {
    await trackSample();
    await pushData(repo.data, remote, []);
    repo.emptyCache();
    repo.write('model.bin', 'my unsaved edit');
    await rejectsWith(pullData(repo.data, remote, ['model.bin']), 'SLUICE_DATA_UNSAVED_CHANGES', /model\.bin/);
    assert.equal(repo.read('model.bin').toString(), 'my unsaved edit');
    const report = await pullData(repo.data, remote, ['model.bin'], { force: true });
    assert.deepEqual(report.checkedOut, ['model.bin']);
    assert.ok(repo.read('model.bin').equals(BINARY));
  });
});

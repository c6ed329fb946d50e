/**
 * `data add` without a copy: the working file becomes the read-only cache object by hardlink
 * (when the link order allows), status knows its hash without reading it, a write through the
 * hardlink is detected and the damaged object discarded, and `[copy]` (or another file system)
 * falls back to a private copy.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { LOOSE_GROUP, parseObjectId, statCacheDirectory, workspaceKey } from '../cache/index.js';
import { addData, checkoutData, dataStatus } from './index.js';

async function useLinks(repo: DataRepo, link: string): Promise<void> {
  const config = join(repo.root, '.sluice', 'config.yaml');
  const text = readFileSync(config, 'utf8');
  assert.match(text, /link: \[reflink, hardlink, copy\]/);
  writeFileSync(config, text.replace(/link: \[reflink, hardlink, copy\]/, `link: ${link}`));
  await repo.reopen();
}

const states = async (repo: DataRepo) => Object.fromEntries((await dataStatus(repo.data)).map((status) => [status.target, status.state]));

function statCacheHash(repo: DataRepo, path: string): string | undefined {
  const entries = statCacheDirectory(repo.data.workspace.paths.statCacheDir, workspaceKey(repo.root)).readFiles(LOOSE_GROUP);
  return entries.find((entry) => entry.path === path)?.hash;
}

describe('data add links instead of copying', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  beforeEach(async () => (repo = await openDataRepo()));
  afterEach(async () => repo.dispose());

  test('by hardlink: the working file is the read-only cache object, and status does not rehash it', async () => {
    await useLinks(repo, '[hardlink, copy]');
    const content = Buffer.alloc(256 * 1024, 7);
    repo.write('data/big.bin', content);
    const before = statSync(join(repo.root, 'data/big.bin')).ino;
    const [added] = await addData(repo.data, ['data/big.bin']);
    const working = statSync(join(repo.root, 'data/big.bin'));
    const object = statSync(repo.data.cache.objectPath(added!.hash));
    assert.equal(working.ino, before, 'the original file was not replaced');
    assert.equal(object.ino, working.ino, 'the cache object is the working file');
    assert.equal(working.nlink, 2, 'no second copy: one inode, two names');
    assert.equal(working.mode & 0o222, 0, 'read-only, as cache objects are');
    assert.deepEqual(repo.data.cache.verify().corrupt, []);
    await repo.reopen();
    assert.equal(statCacheHash(repo, 'data/big.bin'), parseObjectId(added!.hash)?.hex, 'the stat cache knows the hash');
    assert.deepEqual(await states(repo), { 'data/big.bin': 'unchanged' });
    repo.removePath('data/big.bin');
    assert.deepEqual(await checkoutData(repo.data), { restored: ['data/big.bin'], unchanged: [] });
    assert.deepEqual(repo.read('data/big.bin'), content);
  });

  test('a directory: every plain file hardlinked, executables copied, then the manifest', async () => {
    await useLinks(repo, '[hardlink, copy]');
    repo.write('images/a.bin', 'aaaa');
    repo.write('images/sub/b.bin', 'bb');
    repo.write('images/run.sh', '#!/bin/sh\n');
    chmodSync(join(repo.root, 'images/run.sh'), 0o755);
    const [added] = await addData(repo.data, ['images']);
    for (const entry of repo.data.cache.readManifest(added!.hash)) {
      const working = statSync(join(repo.root, 'images', entry.path));
      const shared = working.ino === statSync(repo.data.cache.objectPath(entry.hash)).ino;
      assert.equal(shared, entry.mode === 0o644, entry.path);
      if (!shared) assert.ok(working.mode & 0o100, 'the executable stays executable');
    }
    await repo.reopen();
    assert.deepEqual(await states(repo), { images: 'unchanged' });
    repo.removePath('images');
    await checkoutData(repo.data);
    assert.equal(repo.read('images/sub/b.bin').toString(), 'bb');
  });

  test('a write through the hardlink (as root can) is detected, and the damaged object is never restored', async () => {
    await useLinks(repo, '[hardlink, copy]');
    repo.write('a.txt', 'original\n');
    const [first] = await addData(repo.data, ['a.txt']);
    repo.writeInPlace('a.txt', 'changed in place\n');
    assert.deepEqual(await states(repo), { 'a.txt': 'modified' });
    assert.equal(repo.data.cache.has(first!.hash), false, 'the damaged object was discarded');
    await assert.rejects(checkoutData(repo.data, [], undefined, { force: true }), { code: 'SLUICE_DATA_NOT_IN_CACHE' });
    assert.equal(repo.read('a.txt').toString(), 'changed in place\n');
    const [second] = await addData(repo.data, ['a.txt']);
    assert.equal(second?.changed, true);
    assert.deepEqual(repo.data.cache.verify().corrupt, [], 'no object holds bytes other than its name says');
    assert.deepEqual(await states(repo), { 'a.txt': 'unchanged' });
  });

  test('with [copy] (as across file systems) the working file stays private and writable', async () => {
    await useLinks(repo, '[copy]');
    repo.write('a.txt', 'copied\n');
    const [added] = await addData(repo.data, ['a.txt']);
    const working = statSync(join(repo.root, 'a.txt'));
    assert.notEqual(statSync(repo.data.cache.objectPath(added!.hash)).ino, working.ino);
    assert.equal(working.nlink, 1);
    assert.ok(working.mode & 0o200, 'still writable');
    assert.deepEqual(await states(repo), { 'a.txt': 'unchanged' });
    repo.writeInPlace('a.txt', 'edited\n');
    assert.deepEqual(await states(repo), { 'a.txt': 'modified' });
    assert.ok(repo.data.cache.has(added!.hash), 'the cached version is intact');
    await checkoutData(repo.data, [], undefined, { force: true });
    assert.equal(repo.read('a.txt').toString(), 'copied\n');
  });
});

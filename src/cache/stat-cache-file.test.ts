/**
 * The stat cache's files: what is written is read back exactly, anything damaged is ignored (and
 * rebuilt by hashing) rather than trusted or fatal, and a later command reuses what an earlier
 * one learnt while still seeing every change of size or mtime.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { hashBytes } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { LOOSE_GROUP, StatCache, statCacheDirectory, WorkspaceHasher, type StatCachePersistence } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
let root: string;
let cacheDir: string;
beforeEach(() => {
  temp = makeTempDir();
  root = join(temp.path, 'ws');
  cacheDir = join(temp.path, 'stat-cache');
  mkdirSync(root);
});
afterEach(() => temp.remove());

const PAST = 1_700_000_000;
const persistence = (workspace = 'host:/ws'): StatCachePersistence => statCacheDirectory(cacheDir, workspace);
const fileEntry = (path: string) => ({ path, ino: 123456789, size: 4096, mtimeMs: 1700000000123.4568, hash: hashBytes(path) });

/** Writes a file dated well in the past, so it is never "racy" and its hash is remembered. */
function writeOld(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  utimesSync(path, PAST, PAST);
}

/** A hasher over the persisted cache, as a new command opens it; `done` saves what it learnt. */
async function command(): Promise<{ hasher: WorkspaceHasher; done(): Promise<void> }> {
  const cache = await StatCache.open(persistence());
  return { hasher: new WorkspaceHasher(root, cache), done: () => cache.flush() };
}

describe('stat-cache files', () => {
  test('file and directory entries read back exactly, whatever characters their paths hold', () => {
    const store = persistence();
    const paths = ['data/raw/a.bin', 'data/raw/tab\there', 'data/raw/line\nbreak', 'data/raw/100%25 sure', 'data/raw/é 世界'];
    store.writeFiles('data/raw', paths.map(fileEntry));
    store.writeFiles(LOOSE_GROUP, [fileEntry('model.onnx')]);
    const directory = { path: 'data/raw', fingerprint: hashBytes('f'), objectId: `blake3:${hashBytes('d')}.dir`, size: 20_480, fileCount: 5 };
    store.writeDirectories([directory]);
    assert.deepEqual(store.readFiles('data/raw'), paths.map(fileEntry));
    assert.deepEqual(store.readFiles(LOOSE_GROUP), [fileEntry('model.onnx')]);
    assert.deepEqual(store.readDirectories(), [directory]);
  });

  test('a file cut short anywhere reads as no entries', () => {
    const store = persistence();
    store.writeFiles(LOOSE_GROUP, ['a.csv', 'b.csv', 'c.csv'].map(fileEntry));
    const [name] = readdirSync(cacheDir);
    const text = readFileSync(join(cacheDir, name!), 'utf8');
    for (let length = 0; length < text.length; length++) {
      writeFileSync(join(cacheDir, name!), text.slice(0, length));
      assert.deepEqual(store.readFiles(LOOSE_GROUP), [], `cut at ${length} of ${text.length}`);
    }
  });

  test('a malformed line, another version or another workspace makes the whole file ignored', () => {
    const store = persistence();
    store.writeFiles(LOOSE_GROUP, ['a.csv', 'b.csv'].map(fileEntry));
    const [name] = readdirSync(cacheDir);
    const file = join(cacheDir, name!);
    const text = readFileSync(file, 'utf8');
    for (const damaged of [text.replace(hashBytes('b.csv'), 'not-a-hash'), text.replace('\t1\t', '\t9\t'), text.replace('123456789', '12345x789')]) {
      writeFileSync(file, damaged);
      assert.deepEqual(store.readFiles(LOOSE_GROUP), []);
    }
    writeFileSync(file, text);
    assert.deepEqual(persistence('otherhost:/ws').readFiles(LOOSE_GROUP), []);
  });
});

describe('the stat cache across commands', () => {
  test('a later command reuses a file hash without reading the file', async () => {
    writeOld(join(root, 'data.csv'), 'aaaa');
    const first = await command();
    const id = (await first.hasher.hash('data.csv'))!.id;
    await first.done();
    writeFileSync(join(root, 'data.csv'), 'bbbb'); // same inode and size,
    utimesSync(join(root, 'data.csv'), PAST, PAST); // and the old mtime: only reading it could tell
    assert.equal((await (await command()).hasher.hash('data.csv'))!.id, id);
  });

  test('a later command rehashes a file whose size or mtime changed', async () => {
    writeOld(join(root, 'data.csv'), 'aaaa');
    const first = await command();
    await first.hasher.hash('data.csv');
    await first.done();
    writeFileSync(join(root, 'data.csv'), 'aaaaa');
    utimesSync(join(root, 'data.csv'), PAST, PAST);
    assert.equal((await (await command()).hasher.hash('data.csv'))!.id, `blake3:${hashBytes('aaaaa')}`);
    const second = await command();
    await second.hasher.hash('data.csv');
    await second.done();
    writeFileSync(join(root, 'data.csv'), 'bbbbb');
    utimesSync(join(root, 'data.csv'), PAST + 0.0005, PAST + 0.0005); // half a millisecond later
    assert.equal((await (await command()).hasher.hash('data.csv'))!.id, `blake3:${hashBytes('bbbbb')}`);
  });

  test('an unchanged directory is known from its fingerprint; a touched file in it is rehashed', async () => {
    for (const name of ['a.bin', 'b.bin', 'sub/c.bin']) writeOld(join(root, 'data', name), name);
    const first = await command();
    const id = (await first.hasher.hash('data'))!.id;
    await first.done();
    writeFileSync(join(root, 'data', 'b.bin'), 'B.bin'); // same size and mtime: the fingerprint cannot tell
    utimesSync(join(root, 'data', 'b.bin'), PAST, PAST);
    assert.equal((await (await command()).hasher.hash('data'))!.id, id, 'known without reading any file');
    utimesSync(join(root, 'data', 'b.bin'), PAST + 1, PAST + 1);
    const second = await command();
    const changed = (await second.hasher.hash('data'))!;
    assert.notEqual(changed.id, id);
    const entries = changed.kind === 'directory' ? (await changed.snapshot()).entries : [];
    assert.equal(entries.find((entry) => entry.path === 'b.bin')?.hash, `blake3:${hashBytes('B.bin')}`);
  });

  test("a deleted file's entry leaves its directory's cache file once the directory is hashed again", async () => {
    for (const name of ['a.bin', 'b.bin', 'c.bin']) writeOld(join(root, 'data', name), name);
    const first = await command();
    await first.hasher.hash('data');
    await first.done();
    rmSync(join(root, 'data', 'b.bin'));
    const second = await command();
    await second.hasher.hash('data');
    await second.done();
    assert.deepEqual(persistence().readFiles('data').map((entry) => entry.path).sort(), ['data/a.bin', 'data/c.bin']);
  });

  test('damaged cache files are rebuilt by hashing, and are whole again afterwards', async () => {
    for (const name of ['a.bin', 'b.bin']) writeOld(join(root, 'data', name), name);
    writeOld(join(root, 'model.onnx'), 'weights');
    const first = await command();
    const expected = [(await first.hasher.hash('data'))!.id, (await first.hasher.hash('model.onnx'))!.id];
    await first.done();
    for (const name of readdirSync(cacheDir)) writeFileSync(join(cacheDir, name), readFileSync(join(cacheDir, name), 'utf8').slice(0, 40));
    const second = await command();
    assert.deepEqual([(await second.hasher.hash('data'))!.id, (await second.hasher.hash('model.onnx'))!.id], expected);
    await second.done();
    assert.equal(persistence().readDirectories().length, 1);
    assert.deepEqual(persistence().readFiles(LOOSE_GROUP).map((entry) => entry.path), ['model.onnx']);
  });
});

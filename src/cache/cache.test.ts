import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { hashBytes } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { ObjectCache, StatCache, WorkspaceHasher, type HashedDirectory, type HashedPath } from './index.js';
import { parseManifest } from './manifest.js';

let temp: ReturnType<typeof makeTempDir>;
let root: string;
beforeEach(() => {
  temp = makeTempDir();
  root = join(temp.path, 'ws');
  mkdirSync(root);
});
afterEach(() => temp.remove());

async function hasherFor(workspace: string): Promise<WorkspaceHasher> {
  return new WorkspaceHasher(workspace, await StatCache.open(undefined));
}

function write(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

describe('BLAKE3 hashing', () => {
  test('matches the published test vectors', () => {
    assert.equal(hashBytes(''), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    assert.equal(hashBytes('abc'), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
  });
});

describe('directory hashing', () => {
  test('two directories with the same files have the same id whatever the creation order', async () => {
    write(join(root, 'a/x.txt'), 'x');
    write(join(root, 'a/sub/y.txt'), 'y');
    write(join(root, 'b/sub/y.txt'), 'y');
    write(join(root, 'b/x.txt'), 'x');
    const hasher = await hasherFor(root);
    const [a, b] = [await hasher.hash('a'), await hasher.hash('b')];
    assert.equal(a?.kind, 'directory');
    assert.equal(a?.id, b?.id);
    assert.match(a!.id, /^blake3:[0-9a-f]{64}\.dir$/);
  });

  test('the executable bit is part of a directory id, but read-only is not', async () => {
    write(join(root, 'd/run.sh'), 'echo');
    const hasher = await hasherFor(root);
    const plain = (await hasher.hash('d'))!.id;
    chmodSync(join(root, 'd/run.sh'), 0o444);
    assert.equal((await (await hasherFor(root)).hash('d'))!.id, plain);
    chmodSync(join(root, 'd/run.sh'), 0o755);
    assert.notEqual((await (await hasherFor(root)).hash('d'))!.id, plain);
  });

  test('a missing path hashes to undefined', async () => {
    assert.equal(await (await hasherFor(root)).hash('nope/x.csv'), undefined);
  });
});

describe('stat cache', () => {
  test('a file whose inode, size and mtime are unchanged is not read again', async () => {
    const file = join(root, 'data.csv');
    write(file, 'aaaa');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const hasher = await hasherFor(root);
    const first = (await hasher.hash('data.csv'))!.id;
    writeFileSync(file, 'bbbb'); // same size, same inode
    utimesSync(file, 1_700_000_000, 1_700_000_000); // and the old mtime: only a reread could notice
    assert.equal((await hasher.hash('data.csv'))!.id, first);
  });

  test('a modified file is hashed again', async () => {
    const file = join(root, 'data.csv');
    write(file, 'aaaa');
    const hasher = await hasherFor(root);
    const first = (await hasher.hash('data.csv'))!.id;
    writeFileSync(file, 'aaaaa');
    assert.notEqual((await hasher.hash('data.csv'))!.id, first);
  });
});

describe('object cache', () => {
  const cacheWith = (link: ('reflink' | 'hardlink' | 'copy')[]) => new ObjectCache({ dir: join(temp.path, 'cache'), link });

  async function stored(cache: ObjectCache, path: string, shared: boolean): Promise<HashedPath> {
    const hashed = (await (await hasherFor(root)).hash(path))!;
    if (hashed.kind === 'file') cache.addFile(join(root, path), hashed.id, { shared });
    else cache.addDirectory(join(root, path), await hashed.snapshot(), { shared });
    return hashed;
  }

  test('a hardlinked checkout shares the object and is read-only', async () => {
    write(join(root, 'model.bin'), 'weights');
    const cache = cacheWith(['hardlink', 'copy']);
    const { id } = await stored(cache, 'model.bin', true);
    cache.checkout(id, join(root, 'restored.bin'), { shared: true });
    const restored = statSync(join(root, 'restored.bin'));
    assert.equal(restored.ino, statSync(cache.objectPath(id)).ino);
    assert.equal(restored.mode & 0o777, 0o444);
    assert.equal(readFileSync(join(root, 'restored.bin'), 'utf8'), 'weights');
  });

  test('a checkout removes the temporary files a killed checkout left in its folder, and nothing else', async () => {
    write(join(root, 'out', 'model.bin'), 'weights');
    const cache = cacheWith(['copy']);
    const { id } = await stored(cache, 'out/model.bin', false);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const leftovers = [`model.bin.sluice-${dead}-0123abcd.tmp`, `other.csv.sluice-${dead}-89abcdef.tmp`, `images.sluice-${dead}-deadbeef.tmp.old`];
    const kept = [`model.bin.sluice-${process.pid}-0123abcd.tmp`, 'notes.sluice-1-draft.tmp', 'plain.txt'];
    for (const name of [...leftovers, ...kept]) write(join(root, 'out', name), 'left over');
    cache.checkout(id, join(root, 'out', 'model.bin'), { shared: false });
    assert.deepEqual(readdirSync(join(root, 'out')).sort(), ['model.bin', ...kept].sort());
  });

  test('a copied checkout is a private, writable file', async () => {
    write(join(root, 'metrics.json'), '{"auc":1}');
    const cache = cacheWith(['copy']);
    const { id } = await stored(cache, 'metrics.json', false);
    cache.checkout(id, join(root, 'again.json'), { shared: false });
    const restored = statSync(join(root, 'again.json'));
    assert.notEqual(restored.ino, statSync(cache.objectPath(id)).ino);
    assert.equal(restored.mode & 0o777, 0o644);
  });

  test('files that must stay private are copied even when hardlinks are preferred', async () => {
    write(join(root, 'metrics.json'), '{}');
    const cache = cacheWith(['hardlink']);
    const { id } = await stored(cache, 'metrics.json', false);
    assert.notEqual(statSync(join(root, 'metrics.json')).ino, statSync(cache.objectPath(id)).ino);
    assert.equal(statSync(join(root, 'metrics.json')).mode & 0o777, 0o644);
  });

  test('checking out a directory replaces the old one exactly, extra files included', async () => {
    write(join(root, 'model/a.txt'), 'a');
    write(join(root, 'model/deep/b.txt'), 'b');
    const cache = cacheWith(['hardlink', 'copy']);
    const { id } = await stored(cache, 'model', true);
    write(join(root, 'model/stray.txt'), 'stray');
    rmSync(join(root, 'model/a.txt'), { force: true });
    cache.checkout(id, join(root, 'model'), { shared: true });
    assert.deepEqual(readdirSync(join(root, 'model'), { recursive: true }).sort(), ['a.txt', 'deep', 'deep/b.txt']);
    assert.equal((await (await hasherFor(root)).hash('model'))!.id, id);
  });

  test('a directory whose file object is gone is reported missing', async () => {
    write(join(root, 'model/a.txt'), 'a');
    const cache = cacheWith(['copy']);
    const directory = (await stored(cache, 'model', false)) as HashedDirectory;
    assert.equal(cache.has(directory.id), true);
    rmSync(cache.objectPath((await directory.snapshot()).entries[0]!.hash));
    assert.equal(cache.has(directory.id), false);
    assert.throws(() => cache.checkout(directory.id, join(root, 'x'), { shared: false }), /not in the cache/);
  });

  test('a directory object naming a file outside its directory is refused, and nothing is written', async () => {
    write(join(root, 'model/a.txt'), 'a');
    const cache = cacheWith(['copy']);
    const directory = (await stored(cache, 'model', false)) as HashedDirectory;
    const [entry] = (await directory.snapshot()).entries;
    // The manifest as a crafted remote would serve it: the same file, written two levels up.
    chmodSync(cache.objectPath(directory.id), 0o644);
    writeFileSync(cache.objectPath(directory.id), `[\n${JSON.stringify({ ...entry, path: '../../escaped.txt' })}\n]\n`);
    assert.throws(() => cache.checkout(directory.id, join(root, 'restored'), { shared: false }), (error: Error & { code?: string }) => error.code === 'SLUICE_CACHE_MANIFEST_INVALID' && /"\.\.\/\.\.\/escaped\.txt" has an empty, "\." or "\.\." part/.test(error.message));
    assert.equal(existsSync(join(temp.path, 'escaped.txt')), false);
    assert.equal(existsSync(join(root, 'restored')), false);
  });

  test('a directory object with a .git entry, a path listed twice, or a file that is also a folder is refused', () => {
    const hash = `blake3:${'a'.repeat(64)}`;
    const manifest = (paths: string[]) => `[\n${paths.map((path) => JSON.stringify({ path, hash, size: 1, mode: 0o644 })).join(',\n')}\n]\n`;
    for (const [paths, problem] of [
      [['images/.git/config'], /has a \.git part/],
      [['a.txt', 'a.txt'], /is listed twice/],
      [['a', 'a/b'], /"a" is listed as a file and as a folder of "a\/b"/],
    ] as const) assert.throws(() => parseManifest(manifest([...paths]), 'blake3:x.dir'), (error: Error & { code?: string }) => error.code === 'SLUICE_CACHE_MANIFEST_INVALID' && problem.test(error.message));
  });

  test('a file in a tracked directory whose name holds a backslash is refused when the directory is hashed', async () => {
    write(join(root, 'model/back\\slash.txt'), 'x');
    await assert.rejects((await hasherFor(root)).hash('model').then((hashed) => (hashed as HashedDirectory).snapshot()), /SLUICE_CACHE_UNTRACKABLE_NAME|holds a backslash/);
  });

  test('a symlink is stored as the bytes it points to; its target is neither linked nor made read-only', async () => {
    write(join(temp.path, 'outside.csv'), 'v1');
    symlinkSync(join(temp.path, 'outside.csv'), join(root, 'data.csv'));
    const cache = cacheWith(['hardlink', 'copy']);
    const { id } = await stored(cache, 'data.csv', true);
    writeFileSync(join(temp.path, 'outside.csv'), 'v2, the target changed');
    assert.equal(readFileSync(cache.objectPath(id), 'utf8'), 'v1');
    assert.equal(statSync(join(temp.path, 'outside.csv')).mode & 0o777, 0o644);
  });

  test('verify finds an object modified in place', async () => {
    write(join(root, 'a.txt'), 'good');
    const cache = cacheWith(['copy']);
    const { id } = await stored(cache, 'a.txt', false);
    assert.deepEqual(cache.verify().corrupt, []);
    chmodSync(cache.objectPath(id), 0o644);
    writeFileSync(cache.objectPath(id), 'evil');
    assert.deepEqual(cache.verify().corrupt.map((entry) => entry.id), [id]);
  });

  test('temp files of dead processes are cleaned, those of live ones kept', () => {
    const cache = cacheWith(['copy']);
    mkdirSync(join(cache.dir, 'tmp'), { recursive: true });
    writeFileSync(join(cache.dir, 'tmp', '999999999-dead'), 'partial');
    writeFileSync(join(cache.dir, 'tmp', `${process.pid}-live`), 'in progress');
    cache.cleanTemp();
    assert.equal(existsSync(join(cache.dir, 'tmp', '999999999-dead')), false);
    assert.equal(existsSync(join(cache.dir, 'tmp', `${process.pid}-live`)), true);
  });
});

describe('checkout over an identical hardlink', () => {
  test('leaves no temp file when the destination already is the object', async () => {
    write(join(root, 'big.bin'), 'same');
    const cache = new ObjectCache({ dir: join(temp.path, 'cache'), link: ['hardlink'] });
    const hashed = (await (await hasherFor(root)).hash('big.bin'))!;
    cache.addFile(join(root, 'big.bin'), hashed.id, { shared: true });
    cache.checkout(hashed.id, join(root, 'big.bin'), { shared: true });
    assert.deepEqual(readdirSync(root), ['big.bin']);
  });
});

describe('adding a workspace file', () => {
  const exdev = () => {
    throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
  };

  test('shared, it is hardlinked: the object is the workspace file, read-only, stored durably', () => {
    write(join(root, 'a.bin'), 'shared bytes');
    const cache = new ObjectCache({ dir: join(temp.path, 'cache'), link: ['hardlink', 'copy'] });
    const id = `blake3:${hashBytes('shared bytes')}` as const;
    assert.equal(cache.addFile(join(root, 'a.bin'), id, { shared: true, durable: true }), 'hardlink');
    assert.equal(statSync(cache.objectPath(id)).ino, statSync(join(root, 'a.bin')).ino);
    assert.equal(statSync(join(root, 'a.bin')).mode & 0o777, 0o444);
    assert.deepEqual(readdirSync(join(temp.path, 'cache', 'tmp')), [], 'no temp file left');
  });

  test('on another file system (EXDEV) it falls back to a copy', () => {
    write(join(root, 'a.bin'), 'far bytes');
    const cache = new ObjectCache({ dir: join(temp.path, 'cache'), link: ['hardlink', 'copy'], linkOperations: { hardlink: exdev, copy: (source, destination, mode) => copyFileSync(source, destination, mode) } });
    const id = `blake3:${hashBytes('far bytes')}` as const;
    assert.equal(cache.addFile(join(root, 'a.bin'), id, { shared: true, durable: true }), 'copy');
    assert.notEqual(statSync(cache.objectPath(id)).ino, statSync(join(root, 'a.bin')).ino);
    assert.equal(statSync(join(root, 'a.bin')).mode & 0o200, 0o200, 'the workspace file stays writable');
    assert.equal(readFileSync(cache.objectPath(id), 'utf8'), 'far bytes');
    assert.deepEqual(cache.verify().corrupt, []);
  });
});

/**
 * The tarball of Sluice in a package comes from `npm pack`, kept in the user's cache while the
 * packed files are unchanged: a second package copies it without running npm, a changed file
 * packs again, and the cache keeps only the newest few tarballs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { packFingerprint, packSluice } from './sluice-tarball.js';

/** A minimal package named sluice, as npm would pack it: package.json, `files`, the bundle entry. */
function writeRoot(root: string, bundle: string): void {
  mkdirSync(join(root, 'dist', 'bundle'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'sluice', version: '9.9.9', files: ['dist/bundle'] }));
  writeFileSync(join(root, 'dist', 'bundle', 'sluice.js'), bundle);
}

describe('the tarball of Sluice', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let root: string;
  let cache: string;
  const savedPath = process.env.PATH;
  before(() => {
    temp = makeTempDir('sluice-tarball-');
    root = join(temp.path, 'sluice');
    cache = join(temp.path, 'cache');
    writeRoot(root, 'console.log(1);\n');
  });
  after(() => {
    process.env.PATH = savedPath;
    temp.remove();
  });

  test('a second package with Sluice unchanged copies the cached tarball without running npm', async () => {
    const first = join(temp.path, 'first');
    mkdirSync(first);
    const packed = await packSluice(root, first, cache);
    assert.equal(packed.filename, 'sluice-9.9.9.tgz');
    const second = join(temp.path, 'second');
    mkdirSync(second);
    process.env.PATH = '/nonexistent'; // npm cannot run: only the cache can answer
    try {
      assert.deepEqual(await packSluice(root, second, cache), packed);
    } finally {
      process.env.PATH = savedPath;
    }
    assert.deepEqual(readFileSync(join(second, packed.filename)), readFileSync(join(first, packed.filename)));
  });

  test('a changed packed file changes the fingerprint, and the cache keeps the newest three tarballs', async () => {
    const fingerprints = new Set<string>();
    for (let build = 0; build < 4; build++) {
      writeRoot(root, `console.log(${build + 2});\n`);
      fingerprints.add(packFingerprint(root));
      const out = join(temp.path, `build-${build}`);
      mkdirSync(out);
      await packSluice(root, out, cache);
    }
    assert.equal(fingerprints.size, 4);
    const entries = readdirSync(cache);
    assert.equal(entries.length, 3, entries.join(', '));
    assert.ok(entries.includes(packFingerprint(root)), 'the newest is kept');
  });

  test('without a writable cache, npm packs straight into the destination', async () => {
    const blocked = join(temp.path, 'not-a-dir');
    writeFileSync(blocked, 'a file where the cache directory would be');
    const out = join(temp.path, 'uncached');
    mkdirSync(out);
    assert.equal((await packSluice(root, out, join(blocked, 'pack'))).filename, 'sluice-9.9.9.tgz');
    assert.deepEqual(readdirSync(out), ['sluice-9.9.9.tgz']);
  });
});

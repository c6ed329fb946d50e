/** Hashing on worker threads gives exactly what hashing on the main thread gives, and fails the same way. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { hashFileSync } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { hashFiles } from './parallel-hash.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.remove());

function writeFiles(count: number): { absolute: string }[] {
  return Array.from({ length: count }, (_, index) => {
    const absolute = join(temp.path, `f${index}.bin`);
    writeFileSync(absolute, `file ${index}\n`.repeat(index % 7));
    return { absolute };
  });
}

describe('hashing files on worker threads', () => {
  test('gives the digests the main thread computes, in order, empty and multi-chunk files included', async () => {
    const files = writeFiles(300);
    const large = join(temp.path, 'large.bin');
    writeFileSync(large, Buffer.alloc(9 << 20, 3)); // more than the 4 MiB read buffer
    files.splice(150, 0, { absolute: large });
    assert.deepEqual(await hashFiles(files, { workers: 2 }), files.map((file) => hashFileSync(file.absolute)));
  });

  test('a file removed before it is read hashes to undefined; the others still hash', async () => {
    const files = writeFiles(200);
    files[120] = { absolute: join(temp.path, 'gone.bin') };
    const hashes = await hashFiles(files, { workers: 1 });
    assert.equal(hashes[120], undefined);
    assert.equal(hashes[199], hashFileSync(files[199]!.absolute));
  });

  test('a path that cannot be read fails the whole call with its error code, as on the main thread', async () => {
    const files = writeFiles(300);
    const directory = join(temp.path, 'a-directory');
    mkdirSync(directory);
    files[250] = { absolute: directory };
    await assert.rejects(hashFiles(files, { workers: 1 }), { code: 'EISDIR' });
    await assert.rejects(hashFiles(files, { workers: 0 }), { code: 'EISDIR' });
  });
});

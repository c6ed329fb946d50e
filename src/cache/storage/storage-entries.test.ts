/**
 * Small keyed documents beside the objects (run-cache entries of the shared cache), on a local
 * directory and on S3 (s3rver): put-if-absent, listing by prefix, and many writers of the same key
 * at once.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestS3, type TestS3 } from '../../../test/support/s3.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { entryKeyProblem, type ObjectStorage } from './object-storage.js';
import { S3ObjectStorage, s3ConfigFromEnv } from './s3-object-storage.js';

function describeEntries(name: string, open: () => Promise<{ storage: ObjectStorage; close(): Promise<void> }>): void {
  describe(`documents on ${name}`, () => {
    let storage: ObjectStorage;
    let close: () => Promise<void>;
    before(async () => ({ storage, close } = await open()));
    after(() => close());

    test('a document reads back as written; an absent key reads as undefined', async () => {
      await storage.putEntry('runs/ab/one/x.json', Buffer.from('{"a":1}'));
      assert.equal(Buffer.from((await storage.readEntry('runs/ab/one/x.json'))!).toString(), '{"a":1}');
      assert.equal(await storage.readEntry('runs/ab/none/x.json'), undefined);
    });

    test('a second write of an existing key keeps the first bytes', async () => {
      await storage.putEntry('runs/cd/two/y.json', Buffer.from('first'));
      await storage.putEntry('runs/cd/two/y.json', Buffer.from('second'));
      assert.equal(Buffer.from((await storage.readEntry('runs/cd/two/y.json'))!).toString(), 'first');
    });

    test('listing a prefix gives the keys under it, and nothing of other prefixes', async () => {
      await storage.putEntry('runs/ef/three/a.json', Buffer.from('a'));
      await storage.putEntry('runs/ef/three/b.json', Buffer.from('b'));
      await storage.putEntry('runs/ef/threefold/c.json', Buffer.from('c'));
      const keys: string[] = [];
      for await (const key of storage.listEntries('runs/ef/three/')) keys.push(key);
      assert.deepEqual(keys.sort(), ['runs/ef/three/a.json', 'runs/ef/three/b.json']);
    });

    test('twenty writers of the same key at once all succeed and leave one document', async () => {
      const bytes = Buffer.from('{"same":true}\n');
      await Promise.all(Array.from({ length: 20 }, () => storage.putEntry('runs/99/race/z.json', bytes)));
      const keys: string[] = [];
      for await (const key of storage.listEntries('runs/99/race/')) keys.push(key);
      assert.deepEqual(keys, ['runs/99/race/z.json']);
      assert.deepEqual(Buffer.from((await storage.readEntry('runs/99/race/z.json'))!), bytes);
    });
  });
}

describeEntries('a local directory', async () => {
  const dir = makeTempDir();
  const storage = new LocalObjectStorage(dir.path);
  return {
    storage,
    close: async () => {
      // No temp file outlives a write.
      assert.deepEqual(readdirSync(join(dir.path, 'tmp')), []);
      dir.remove();
    },
  };
});

describeEntries('S3 (s3rver)', async () => {
  const s3: TestS3 = await startTestS3();
  const storage = new S3ObjectStorage({ bucket: s3.bucket, prefix: 'team/cache' }, s3ConfigFromEnv(s3.env));
  return {
    storage,
    close: async () => {
      storage.destroy();
      await s3.close();
    },
  };
});

test('document keys cannot leave their place or reach the objects', () => {
  assert.equal(entryKeyProblem('runs/ab/k/h.json'), undefined);
  assert.match(entryKeyProblem('runs/../blake3/x')!, /no \. or \.\. parts/);
  assert.match(entryKeyProblem('blake3/ab/cd')!, /hold objects/);
  assert.match(entryKeyProblem('/abs/path')!, /lowercase letters/);
  assert.match(entryKeyProblem('Runs/UPPER')!, /lowercase letters/);
});

test('a directory remote sweeps a killed push\'s day-old temp files on its next push, and keeps fresh ones', async (t) => {
  const dir = makeTempDir();
  t.after(() => dir.remove());
  mkdirSync(join(dir.path, 'tmp'));
  const old = join(dir.path, 'tmp', '4242-deadbeef0000');
  const fresh = join(dir.path, 'tmp', '4343-deadbeef0001');
  writeFileSync(old, 'half an object');
  writeFileSync(fresh, 'a copy in progress elsewhere');
  const dayAndMinute = (Date.now() - 24 * 3_600_000 - 60_000) / 1000;
  utimesSync(old, dayAndMinute, dayAndMinute);
  const source = join(dir.path, 'object');
  writeFileSync(source, 'x');
  await new LocalObjectStorage(dir.path).putFile(`blake3:${'b'.repeat(64)}`, source);
  assert.deepEqual(readdirSync(join(dir.path, 'tmp')), ['4343-deadbeef0001']);
});

/**
 * The artifact store behaves the same on a local directory and on S3 (an s3rver on loopback):
 * content-addressed writes, verified reads, listings, deletion, and no way out of its root.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { startTestS3, type TestS3 } from '../../../test/support/s3.js';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { openObjectStorage, type ObjectStorage } from '../../cache/index.js';
import { ArtifactStore, normalizeArtifactPath, openTrackingStores } from '../index.js';

type StorageFactory = (dir: string) => Promise<{ storage: ObjectStorage; close(): Promise<void> }>;

const STORAGES: Record<string, StorageFactory> = {
  local: async (dir) => ({ storage: await openObjectStorage(join(dir, 'artifacts'), dir), close: async () => undefined }),
  s3: async () => {
    const s3: TestS3 = await startTestS3();
    const storage = await openObjectStorage(`s3://${s3.bucket}/team/artifacts`, '/', s3.env);
    return { storage, close: async () => { (storage as { destroy?: () => void }).destroy?.(); await s3.close(); } };
  },
};

for (const [name, makeStorage] of Object.entries(STORAGES)) {
  describe(`artifact store on ${name} storage`, () => {
    let opened: OpenedStore;
    let artifacts: ArtifactStore;
    let storage: ObjectStorage;
    let closeStorage: () => Promise<void>;
    const temp = makeTempDir();
    before(async () => {
      opened = await STORE_BACKENDS.sqlite();
      ({ storage, close: closeStorage } = await makeStorage(temp.path));
      artifacts = new ArtifactStore({ storage, index: openTrackingStores(opened.store.connection).artifactIndex, tempDir: join(temp.path, 'tmp') });
    });
    after(async () => {
      await closeStorage();
      await opened.dispose();
      temp.remove();
    });

    test('a written stream reads back byte for byte, named by its BLAKE3 hash', async () => {
      const stored = await artifacts.write('1/run-a/artifacts/model/MLmodel', Readable.from([Buffer.from('flavors:\n'), Buffer.from('  onnx: {}\n')]));
      assert.match(stored.objectId, /^blake3:[0-9a-f]{64}$/);
      assert.equal(stored.size, 20);
      const { stream } = await artifacts.open('1/run-a/artifacts/model/MLmodel');
      assert.equal(await text(stream), 'flavors:\n  onnx: {}\n');
    });

    test('the same bytes under two paths are stored once', async () => {
      const first = await artifacts.write('1/run-b/artifacts/a.txt', Readable.from(['same bytes']));
      const second = await artifacts.write('1/run-c/artifacts/b.txt', Readable.from(['same bytes']));
      assert.equal(first.objectId, second.objectId);
    });

    test('listing shows direct children, directories without sizes', async () => {
      await artifacts.write('2/run/artifacts/model/model.onnx', Readable.from(['onnx']));
      await artifacts.write('2/run/artifacts/model/sub/deep.txt', Readable.from(['deep']));
      await artifacts.write('2/run/artifacts/metrics.json', Readable.from(['{}']));
      assert.deepEqual(await artifacts.list('2/run/artifacts'), [
        { path: 'metrics.json', isDir: false, fileSize: 2 },
        { path: 'model', isDir: true, fileSize: undefined },
      ]);
      assert.deepEqual(await artifacts.list('2/run/artifacts/model/'), [
        { path: 'model.onnx', isDir: false, fileSize: 4 },
        { path: 'sub', isDir: true, fileSize: undefined },
      ]);
    });

    test('a directory downloads to a local tree, every file verified', async () => {
      const destination = join(temp.path, 'download');
      const written = await artifacts.download('2/run/artifacts/model', destination);
      assert.equal(written.length, 2);
      assert.equal(readFileSync(join(destination, 'sub/deep.txt'), 'utf8'), 'deep');
    });

    test('a local directory uploads with its structure', async () => {
      const source = join(temp.path, 'source');
      mkdirSync(join(source, 'nested'), { recursive: true });
      writeFileSync(join(source, 'a.txt'), 'A');
      writeFileSync(join(source, 'nested/b.txt'), 'B');
      await artifacts.writeDirectory('3/run/artifacts/bundle', source);
      assert.deepEqual((await artifacts.list('3/run/artifacts/bundle')).map((entry) => entry.path), ['a.txt', 'nested']);
    });

    test('a symlink out of an uploaded directory is refused', async () => {
      const source = join(temp.path, 'leaky');
      mkdirSync(source, { recursive: true });
      symlinkSync('/etc/passwd', join(source, 'passwd'));
      await assert.rejects(artifacts.writeDirectory('4/run/artifacts', source), /symbolic link to \/etc\/passwd/);
      assert.deepEqual(await artifacts.list('4/run/artifacts'), []);
    });

    test('a download does not write through a symlink out of the destination', async () => {
      const destination = join(temp.path, 'trap');
      const outside = join(temp.path, 'outside');
      mkdirSync(destination, { recursive: true });
      mkdirSync(outside, { recursive: true });
      symlinkSync(outside, join(destination, 'sub'));
      await assert.rejects(artifacts.download('2/run/artifacts/model', destination), /symbolic link out of/);
    });

    test('an upload over the limit is refused as too large (413) and leaves nothing; deleting the root is refused', async () => {
      await assert.rejects(artifacts.write('1/run-big/artifacts/big.bin', Readable.from([Buffer.alloc(2048)]), { maxBytes: 1024 }), (error: Error & { code?: string; kind?: string }) => error.code === 'SLUICE_TRACKING_ARTIFACT_TOO_LARGE' && error.kind === 'too_large');
      assert.deepEqual(await artifacts.list('1/run-big/artifacts'), []);
      await assert.rejects(artifacts.delete(''), { code: 'SLUICE_TRACKING_UNSAFE_PATH' });
      await assert.rejects(artifacts.delete('/'), { code: 'SLUICE_TRACKING_UNSAFE_PATH' });
    });

    test('deleting a directory removes its paths and the objects nothing else uses', async () => {
      const kept = await artifacts.write('5/run/artifacts/shared.txt', Readable.from(['shared']));
      await artifacts.write('5/other/artifacts/shared.txt', Readable.from(['shared']));
      const only = await artifacts.write('5/run/artifacts/only.txt', Readable.from(['only here']));
      assert.equal(await artifacts.delete('5/run'), 2);
      assert.equal(await storage.has(kept.objectId), true);
      assert.equal(await storage.has(only.objectId), false);
      await assert.rejects(artifacts.open('5/run/artifacts/only.txt'), /No artifact at/);
    });

    test('a path deleted while the same bytes are uploaded under another: the upload still reads back', async () => {
      await artifacts.write('6/old/artifacts/model.txt', Readable.from(['bytes two runs log']));
      // The upload finds the bytes stored, then waits there while the deletion runs.
      let reached!: () => void;
      let open!: () => void;
      const atCheck = new Promise<void>((resolve) => (reached = resolve));
      const gate = new Promise<void>((resolve) => (open = resolve));
      const gated = Object.assign(Object.create(storage) as ObjectStorage, {
        has: async (id: string) => {
          const answer = await storage.has(id);
          reached();
          await gate;
          return answer;
        },
      });
      const racing = new ArtifactStore({ storage: gated, index: openTrackingStores(opened.store.connection).artifactIndex, tempDir: join(temp.path, 'tmp') });
      const writing = racing.write('6/new/artifacts/model.txt', Readable.from(['bytes two runs log']));
      await atCheck;
      const deleting = racing.delete('6/old/artifacts/model.txt');
      // Time for the deletion to finish, if nothing holds it back.
      await Promise.race([deleting, new Promise((resolve) => setTimeout(resolve, 500))]);
      open();
      await Promise.all([writing, deleting]);
      const { stream } = await racing.open('6/new/artifacts/model.txt');
      assert.equal(await text(stream), 'bytes two runs log');
    });

    test('a 20 MiB upload streams through (multipart on S3) and reads back intact', async () => {
      const big = Buffer.alloc(20 * 1024 * 1024);
      for (let offset = 0; offset < big.length; offset += 4) big.writeUInt32LE((offset * 2654435761) >>> 0, offset);
      const stored = await artifacts.write('7/run/artifacts/big.bin', Readable.from((function* () {
        for (let offset = 0; offset < big.length; offset += 1 << 20) yield big.subarray(offset, offset + (1 << 20));
      })()));
      assert.equal(stored.size, big.length);
      const { stream } = await artifacts.open('7/run/artifacts/big.bin');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.ok(Buffer.concat(chunks).equals(big));
    });

    test('an object damaged in storage fails the read instead of returning wrong bytes', { skip: name !== 'local' }, async () => {
      const stored = await artifacts.write('6/run/artifacts/x.bin', Readable.from(['original']));
      const objectFile = join(temp.path, 'artifacts', 'blake3', stored.objectId.slice(7, 9), stored.objectId.slice(9));
      writeFileSync(objectFile, 'tampered');
      const { stream } = await artifacts.open('6/run/artifacts/x.bin');
      await assert.rejects(text(stream), /damaged in storage/);
    });
  });
}

describe('artifact paths', () => {
  const refuse = (path: string, reason: RegExp) => assert.throws(() => normalizeArtifactPath(path), (error: Error & { code?: string }) => error.code === 'SLUICE_TRACKING_UNSAFE_PATH' && reason.test(error.message));

  test('plain relative paths pass, without empty segments', () => {
    assert.equal(normalizeArtifactPath('1/abc/artifacts//model/'), '1/abc/artifacts/model');
    assert.equal(normalizeArtifactPath(''), '');
  });
  test('.. is refused', () => refuse('1/run/../../etc/passwd', /'\.\.' segment/));
  test('encoded .. is refused', () => refuse('1/run/%2e%2e/%2e%2e/etc/passwd', /'\.\.' segment/));
  test('doubly encoded .. is refused', () => refuse('1/run/%252e%252e/x', /'\.\.' segment/));
  test('absolute paths are refused', () => refuse('/etc/passwd', /absolute/));
  test('encoded absolute paths are refused', () => refuse('%2Fetc/passwd', /absolute/));
  test('backslashes are refused', () => refuse('1\\..\\x', /backslash/));
  test('URIs are refused', () => refuse('file:///etc/passwd', /absolute|URI/));
});

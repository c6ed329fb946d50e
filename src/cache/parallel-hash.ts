/**
 * Hashing many files at once on worker threads beside the main thread: what a cold `sluice status`
 * (or a first run) spends most of its time on, one small file after another, on one core.
 *
 * Files go out in batches to the threads that ask for more, the main thread included, so a slow
 * or busy thread takes fewer. Few files are hashed on the main thread alone: starting a worker
 * costs about 20 ms. Hand-written over a pool library: the whole job is a queue of batches, and
 * the worker's code is inline (see {@link WORKER_SOURCE}) so it survives bundling into one file.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashFileSync, systemErrorCode } from '../core/index.js';

/** A file to hash. */
export interface FileToHash {
  readonly absolute: string;
}

/** Below this many files the main thread hashes them alone. */
const MIN_FILES_FOR_WORKERS = 512;
/** Files per batch: enough that messages are few, few enough that threads finish together. */
const BATCH_FILES = 128;
/** Workers beside the main thread, at most. */
const MAX_WORKERS = 3;

/**
 * The worker: CommonJS run with `eval`, given the BLAKE3 addon's path. It reads and hashes as
 * core's `hashFileSync` does (one read and one call for a small file, 4 MiB chunks otherwise) and
 * answers each batch with the 32-byte digests, plus the files it could not read.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { blake3, Blake3Hasher } = require(workerData.addon);
const buffer = Buffer.allocUnsafe(4 << 20);
function digestOf(path) {
  const fd = openSync(path, 'r');
  try {
    let bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    if (bytesRead < buffer.length) return blake3(buffer.subarray(0, bytesRead));
    const hasher = new Blake3Hasher();
    while (bytesRead > 0) {
      hasher.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    }
    return hasher.digestBuffer();
  } finally {
    closeSync(fd);
  }
}
parentPort.on('message', (paths) => {
  if (paths === null) return parentPort.close();
  const digests = new Uint8Array(paths.length * 32);
  const failures = [];
  paths.forEach((path, index) => {
    try {
      digests.set(digestOf(path), index * 32);
    } catch (error) {
      failures.push({ index, code: error.code, message: error.message });
    }
  });
  parentPort.postMessage({ digests, failures }, [digests.buffer]);
});
`;

interface BatchResult {
  readonly digests: Uint8Array;
  readonly failures: readonly { readonly index: number; readonly code: string | undefined; readonly message: string }[];
}

/**
 * BLAKE3 hex of each file, in order; undefined for a file that no longer exists. Any other read
 * error is thrown, as reading the file on the main thread would.
 */
/**
 * @param options.workers worker threads beside the main one; by default none for a few files,
 *   else one per further core (at most 3).
 */
/** How long a finished worker is given to end on its own before it is let go. */
const WORKER_EXIT_WAIT_MS = 1_000;

export async function hashFiles(files: readonly FileToHash[], options: { workers?: number } = {}): Promise<(string | undefined)[]> {
  const results = new Array<string | undefined>(files.length);
  const workerCount = options.workers ?? (files.length < MIN_FILES_FOR_WORKERS ? 0 : Math.min(MAX_WORKERS, availableParallelism() - 1));
  let next = 0;
  const takeBatch = (): number | undefined => {
    if (next >= files.length) return undefined;
    const start = next;
    next = Math.min(files.length, next + BATCH_FILES);
    return start;
  };
  const addon = createRequire(import.meta.url).resolve('@napi-rs/blake-hash');
  const workers = Array.from({ length: Math.max(0, workerCount) }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { addon } }));
  try {
    const working = Promise.all(workers.map((worker) => feedWorker(worker, files, results, takeBatch)));
    // If the main thread fails first, its error is the one thrown; the workers' is not left unhandled.
    working.catch(() => undefined);
    // The main thread takes batches too, yielding between them so that workers get their next.
    for (let start = takeBatch(); start !== undefined; start = takeBatch()) {
      for (let index = start; index < Math.min(files.length, start + BATCH_FILES); index++) results[index] = hashOrMissing(files[index]!.absolute);
      if (workers.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await working;
  } finally {
    // Each worker is asked to end (it closes its port) rather than terminated: worker.terminate()
    // can abort the whole process on Node 20 when it lands while V8 still compiles the worker's
    // code on a background thread (NodePlatform::GetForegroundTaskRunner assertion, seen in CI).
    // A worker that has not ended after a short wait is let go (unref'd), never waited on: one that
    // lingered once kept a test process alive until its 10-minute timeout.
    await Promise.all(
      workers.map((worker) =>
        worker.threadId === -1
          ? undefined
          : new Promise((resolve) => {
              const timer = setTimeout(() => {
                worker.unref();
                resolve(undefined);
              }, WORKER_EXIT_WAIT_MS);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve(undefined);
              });
              worker.postMessage(null);
            }),
      ),
    );
  }
  return results;
}

function hashOrMissing(path: string): string | undefined {
  try {
    return hashFileSync(path);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Gives a worker batches until none are left; rejects on the first file it fails to read (other than a vanished one). */
function feedWorker(worker: Worker, files: readonly FileToHash[], results: (string | undefined)[], takeBatch: () => number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let start: number | undefined;
    const send = () => {
      start = takeBatch();
      if (start === undefined) resolve();
      else worker.postMessage(files.slice(start, start + BATCH_FILES).map((file) => file.absolute));
    };
    worker.on('message', ({ digests, failures }: BatchResult) => {
      const base = start!;
      const bytes = Buffer.from(digests.buffer, digests.byteOffset, digests.byteLength);
      for (let offset = 0; offset * 32 < bytes.length; offset++) results[base + offset] = bytes.toString('hex', offset * 32, offset * 32 + 32);
      for (const failure of failures) {
        if (failure.code !== 'ENOENT') {
          reject(Object.assign(new Error(failure.message), { code: failure.code, path: files[base + failure.index]!.absolute }));
          return;
        }
        results[base + failure.index] = undefined;
      }
      send();
    });
    worker.on('error', reject);
    // Resolved or rejected before, this is a no-op; otherwise the worker died mid-batch.
    worker.on('exit', (code) => reject(new Error(`a hashing worker stopped (exit code ${code}) before finishing its files`)));
    send();
  });
}

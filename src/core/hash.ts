/**
 * Content hashing with BLAKE3.
 *
 * `@napi-rs/blake-hash` wraps the official Rust `blake3` crate (SIMD up to AVX-512, chosen at run
 * time) as a N-API addon published per platform on npm, so nothing is compiled or downloaded at
 * install. It hashes about 3 GB/s on one core here, several times md5 (which DVC uses); the
 * figures are in `bench/hash-throughput.ts`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';

// The addon's entry is CommonJS: `require`d, it skips the scan of its 17 KB for export names that
// importing it as an ES module costs (several milliseconds of every command's start).
const { blake3, Blake3Hasher } = createRequire(import.meta.url)('@napi-rs/blake-hash') as typeof import('@napi-rs/blake-hash');

/** The algorithm prefix of every object id: `blake3:<64 hex>`. */
export const HASH_ALGORITHM = 'blake3';

/** Bytes read per call; large enough that the native call overhead vanishes. */
const CHUNK_SIZE = 4 << 20;

/** Files up to this size are read and hashed in one synchronous step. */
const SYNC_LIMIT = 8 << 20;

/** BLAKE3 of bytes or a string, as lowercase hex. */
export function hashBytes(data: string | Uint8Array): string {
  return blake3(data).toString('hex');
}

/** BLAKE3 of a file's content, as lowercase hex. Small files synchronously, large ones in chunks. */
export async function hashFile(path: string, size?: number): Promise<string> {
  if (size !== undefined && size <= SYNC_LIMIT) return hashFileSync(path);
  const hasher = new Blake3Hasher();
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hasher.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hasher.digest('hex');
}

/** One buffer for all synchronous reads: they cannot interleave, and 20,000 small files should not mean 20,000 allocations. */
let syncBuffer: Buffer | undefined;

/** BLAKE3 of a file's content, read synchronously. A file that fits one read is hashed in one call. */
export function hashFileSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = (syncBuffer ??= Buffer.allocUnsafe(CHUNK_SIZE));
    let bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    // Most dataset files are small: one-shot hashing skips creating a hasher per file.
    if (bytesRead < buffer.length) return blake3(buffer.subarray(0, bytesRead)).toString('hex');
    const hasher = new Blake3Hasher();
    while (bytesRead > 0) {
      hasher.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    }
    return hasher.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** An incremental BLAKE3 hasher, for bytes that arrive as a stream. */
export interface StreamHasher {
  update(chunk: Uint8Array): void;
  /** The digest as lowercase hex. */
  digest(): string;
}

export function createStreamHasher(): StreamHasher {
  const hasher = new Blake3Hasher();
  return {
    update: (chunk) => void hasher.update(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    digest: () => hasher.digest('hex'),
  };
}

/**
 * Atomic file writes: a reader (or a process started after a SIGKILL) sees either the old
 * content or the new one, never half of it.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A temp name beside `path`, so that the final rename stays on one file system. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to a temp file beside `path`, flushes it to disk, then renames it over `path`.
 * `fsync` before the rename keeps the file whole even across a power cut, not only a crash.
 * `durable: false` skips the fsync for files whose loss or damage in a power cut costs only
 * work redone (a cache entry whose reader treats an unreadable file as absent): a process that is
 * killed still leaves the old content or the new, since the kernel keeps what was written.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, options: { readonly durable?: boolean } = {}): void {
  const temp = tempPathBeside(path);
  const fd = openSync(temp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    if (options.durable !== false) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

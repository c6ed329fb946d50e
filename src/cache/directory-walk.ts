/**
 * A directory's files and their fingerprint: what tells that nothing in a directory changed
 * without reading any file. The stat cache keys directories by this fingerprint, and the status
 * snapshot (pipeline/status-snapshot/) re-checks it on the fast path of `sluice status`, which
 * must load nothing heavy: this module imports node built-ins and the BLAKE3 binding only.
 *
 * This is the hot path of a warm `sluice status` on a large dataset: one stat per file, and the
 * fingerprint streamed as the walk goes, so that a walk keeps nothing per file unless asked to
 * (20,000 retained paths and numbers cost more in garbage collection than their stats' own
 * conversion).
 */
import { readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { createStreamHasher, type StreamHasher } from '../core/index.js';
import { normalizeMode, type FileMode } from './file-mode.js';

/** One walked file, with the only stat it gets: the fingerprint, the stat cache and the manifest all use it. */
export interface WalkedFile {
  readonly absolute: string;
  /** Relative to the walked directory, posix separators. */
  readonly relative: string;
  readonly ino: number;
  readonly size: number;
  /**
   * Plain (non-bigint) stats: the mtime in milliseconds is a double with sub-microsecond
   * resolution (see the stat cache's entries).
   */
  readonly mtimeMs: number;
  readonly mode: FileMode;
}

/** What a walk found. */
export interface DirectoryWalk {
  /**
   * BLAKE3 over every file in path order: its relative path (UTF-8), a NUL (which no path
   * holds, so the bytes split one way only), then its inode, size, mtimeMs and recorded mode as
   * little-endian float64. Equal fingerprints mean no file was added, removed or touched.
   */
  readonly fingerprint: string;
  readonly fileCount: number;
  /** The latest mtime of its files (-Infinity when there are none), for the racy rule. */
  readonly newestMtimeMs: number;
  /** The files in path order, when asked for. */
  readonly files: readonly WalkedFile[] | undefined;
}

/** Fingerprint bytes are gathered in a buffer this large and hashed a buffer at a time. */
const CHUNK_BYTES = 1 << 16;
/** A path's worst case in UTF-8 is 3 bytes per UTF-16 unit; then a NUL and four float64s. */
const bytesAtMost = (units: number): number => 3 * units + 1 + 4 * 8;

/**
 * Walks `absolute`: every regular file below it, one stat each. Directories are entered as the
 * directory listing types them (a symlink to a directory is not entered, and is not a file
 * either); a symlink to a file counts as that file; dangling symlinks, sockets and fifos are
 * not data. Each directory's entries are visited in the order of `name` for files and `name/`
 * for directories, which makes the depth-first order that of the full relative paths in UTF-16
 * code units (the order manifests use): nothing needs sorting afterwards.
 */
export function walkDirectory(absolute: string, options: { readonly files?: boolean } = {}): DirectoryWalk {
  const fingerprint = new FingerprintWriter(createStreamHasher());
  const files: WalkedFile[] | undefined = options.files ? [] : undefined;
  let newestMtimeMs = -Infinity;
  const visit = (directory: string, prefix: string): void => {
    const keys = readdirSync(directory, { withFileTypes: true }).map((dirent) => (dirent.isDirectory() ? `${dirent.name}/` : dirent.name));
    // The default sort compares UTF-16 code units.
    keys.sort();
    for (const key of keys) {
      if (key.endsWith('/')) {
        visit(`${directory}${sep}${key.slice(0, -1)}`, `${prefix}${key}`);
        continue;
      }
      const path = `${directory}${sep}${key}`;
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats?.isFile()) continue;
      const mode = normalizeMode(stats.mode);
      fingerprint.add(prefix, key, stats.ino, stats.size, stats.mtimeMs, mode);
      if (stats.mtimeMs > newestMtimeMs) newestMtimeMs = stats.mtimeMs;
      files?.push({ absolute: path, relative: `${prefix}${key}`, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, mode });
    }
  };
  visit(absolute, '');
  return { fingerprint: fingerprint.digest(), fileCount: fingerprint.count, newestMtimeMs, files };
}

/** Streams fingerprint records into the hasher a chunk at a time (a native call per file would cost more than the stat). */
class FingerprintWriter {
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  /** For the numbers: cheaper than Buffer's checked writeDoubleLE, 80,000 times a walk. */
  private readonly view = new DataView(this.chunk.buffer, this.chunk.byteOffset, CHUNK_BYTES);
  private used = 0;
  count = 0;

  constructor(private readonly hasher: StreamHasher) {}

  /** One file: `prefix` and `name` make its relative path (written without joining them). */
  add(prefix: string, name: string, ino: number, size: number, mtimeMs: number, mode: number): void {
    const needed = bytesAtMost(prefix.length + name.length);
    if (this.used + needed > CHUNK_BYTES) this.flush();
    if (needed > CHUNK_BYTES) {
      // Longer than any real path (PATH_MAX is 4096 bytes), but exact all the same.
      this.hasher.update(Buffer.from(`${prefix}${name}\0`));
    } else {
      this.used += this.chunk.write(prefix, this.used);
      this.used += this.chunk.write(name, this.used);
      this.chunk[this.used++] = 0;
    }
    if (this.used + 32 > CHUNK_BYTES) this.flush();
    const view = this.view;
    view.setFloat64(this.used, ino, true);
    view.setFloat64(this.used + 8, size, true);
    view.setFloat64(this.used + 16, mtimeMs, true);
    view.setFloat64(this.used + 24, mode, true);
    this.used += 32;
    this.count++;
  }

  digest(): string {
    this.flush();
    return this.hasher.digest();
  }

  private flush(): void {
    if (this.used === 0) return;
    // The hasher reads the bytes before update returns, so the chunk can be reused.
    this.hasher.update(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}

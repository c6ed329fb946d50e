/**
 * Hashing paths in a workspace: a file to its object id, a directory to its manifest's id.
 *
 * Unchanged files cost one `stat` (the {@link StatCache} remembers their hashes). An unchanged
 * directory costs one walk: the fingerprint of its files' stats finds its id directly, and its
 * manifest is only rebuilt when it must be stored.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { hashBytes, hashFile, systemErrorCode } from '../core/index.js';
import type { DirectorySnapshot } from './object-cache.js';
import { manifestObjectId, normalizeMode, serializeManifest, type FileMode, type ManifestEntry } from './manifest.js';
import { fileObjectId, type ObjectId } from './object-id.js';
import { hashFiles } from './parallel-hash.js';
import type { FileStat, StatCache } from './stat-cache.js';
import type { StatCacheEntry } from './stat-cache-file.js';

/** A hashed regular file. */
export interface HashedFile {
  readonly kind: 'file';
  readonly id: ObjectId;
  readonly size: number;
  readonly mode: FileMode;
}

/** A hashed directory. */
export interface HashedDirectory {
  readonly kind: 'directory';
  readonly id: ObjectId;
  /** Total bytes of its files. */
  readonly size: number;
  readonly fileCount: number;
  /** Its manifest, for storing it in the cache; rebuilt from the stat cache when the id came from the fingerprint. */
  snapshot(): Promise<DirectorySnapshot>;
}

export type HashedPath = HashedFile | HashedDirectory;

/**
 * One file found by a directory walk, with the only stat it gets: the fingerprint, the stat cache
 * and the manifest all use it. Plain (non-bigint) stats: on 20,000 files, bigint stats and their
 * garbage cost more than the rest of a warm status; the mtime in milliseconds is a double with
 * sub-microsecond resolution (see {@link StatCacheEntry}).
 */
interface WalkedFile {
  readonly absolute: string;
  /** Relative to the walked directory, posix separators. */
  readonly relative: string;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: FileMode;
}

export class WorkspaceHasher {
  constructor(
    /** Absolute workspace root; paths given to {@link hash} are relative to it. */
    private readonly root: string,
    private readonly statCache: StatCache,
  ) {}

  /** Hashes a file or directory; undefined when nothing is at the path. */
  async hash(path: string): Promise<HashedPath | undefined> {
    const key = normalizePath(path);
    const absolute = join(this.root, key);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') return undefined;
      throw error;
    }
    if (stats.isDirectory()) return this.hashDirectory(absolute, key);
    await this.statCache.loadFiles([key]);
    const hex = await this.hashFileCached(key, absolute, stats);
    return { kind: 'file', id: fileObjectId(hex), size: stats.size, mode: normalizeMode(stats.mode) };
  }

  /**
   * Records the known hash of a file just checked out from the cache, so the next status does
   * not read it again (its inode and mtime are new, but its content is the object's).
   */
  rememberCheckout(path: string, hex: string): void {
    this.statCache.remember(path, statSync(join(this.root, path)), hex);
  }

  private async hashDirectory(absolute: string, key: string): Promise<HashedDirectory> {
    const files = walk(absolute);
    const fingerprint = fingerprintOf(files);
    const known = this.statCache.lookupDirectory(key, fingerprint);
    if (known) {
      return {
        kind: 'directory',
        id: known.objectId,
        size: known.size,
        fileCount: known.fileCount,
        snapshot: async () => this.snapshotDirectory(key, walk(absolute)),
      };
    }
    const startedAt = Date.now();
    const snapshot = await this.snapshotDirectory(key, files);
    const size = snapshot.entries.reduce((total, entry) => total + entry.size, 0);
    if (!files.some((file) => isRacy(file, startedAt))) {
      this.statCache.rememberDirectory({ path: key, fingerprint, objectId: snapshot.id, size, fileCount: snapshot.entries.length });
    }
    return { kind: 'directory', id: snapshot.id, size, fileCount: snapshot.entries.length, snapshot: async () => snapshot };
  }

  /**
   * Builds a directory's manifest from the walk's stats (one stat per file in all), hashing only
   * files the stat cache does not know, on worker threads when there are many. A file removed
   * since the walk is left out.
   */
  private async snapshotDirectory(key: string, files: readonly WalkedFile[]): Promise<DirectorySnapshot> {
    await this.statCache.loadDirectory(key);
    const keys = files.map((file) => `${key}/${file.relative}`);
    const hashes = files.map((file, index) => this.statCache.lookup(keys[index]!, file));
    const unknown = hashes.flatMap((hash, index) => (hash === undefined ? [index] : []));
    if (unknown.length > 0) {
      const startedAt = Date.now();
      const computed = await hashFiles(unknown.map((index) => files[index]!));
      unknown.forEach((index, position) => {
        const hex = computed[position];
        hashes[index] = hex;
        // One start time for the batch: earlier than each file's read, so never less cautious.
        if (hex !== undefined && !isRacy(files[index]!, startedAt)) this.statCache.remember(keys[index]!, files[index]!, hex);
      });
    }
    this.statCache.retainDirectory(key, new Set(keys));
    const entries: ManifestEntry[] = [];
    files.forEach((file, index) => {
      const hex = hashes[index];
      if (hex !== undefined) entries.push({ path: file.relative, hash: fileObjectId(hex), size: file.size, mode: file.mode });
    });
    const serialized = serializeManifest(entries);
    return { id: manifestObjectId(serialized), serialized, entries };
  }

  private async hashFileCached(key: string, absolute: string, stats: FileStat): Promise<string> {
    const cached = this.statCache.lookup(key, stats);
    if (cached !== undefined) return cached;
    const startedAt = Date.now();
    const hex = await hashFile(absolute, stats.size);
    if (!isRacy(stats, startedAt)) this.statCache.remember(key, stats, hex);
    return hex;
  }
}

/**
 * Every regular file below `absolute`, sorted by relative path. This is the hot path of
 * `sluice status` on large datasets: one stat per file, paths built by slicing.
 */
function walk(absolute: string): WalkedFile[] {
  const files: WalkedFile[] = [];
  for (const dirent of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
    if (dirent.isDirectory()) continue;
    const file = `${dirent.parentPath}${sep}${dirent.name}`;
    // A dangling symlink has nothing to hash; symlinks to directories and special files (sockets, fifos) are not data.
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats?.isFile()) continue;
    const relative = file.slice(absolute.length + 1);
    files.push({
      absolute: file,
      relative: sep === '/' ? relative : relative.split(sep).join('/'),
      ino: stats.ino,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      mode: normalizeMode(stats.mode),
    });
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/**
 * BLAKE3 of each file's path and stat: equal fingerprints mean no file was added, removed or
 * touched. The numbers go in as their float64 bytes rather than as text: printing 20,000
 * fractional millisecond mtimes took about twice as long as the rest of the fingerprint.
 */
function fingerprintOf(files: readonly WalkedFile[]): string {
  // The count first, so the bytes split into paths and numbers one way only.
  const numbers = new Float64Array(1 + files.length * 4);
  numbers[0] = files.length;
  let paths = '';
  let offset = 1;
  for (const file of files) {
    paths += `${file.relative}\0`;
    numbers[offset++] = file.ino;
    numbers[offset++] = file.size;
    numbers[offset++] = file.mtimeMs;
    numbers[offset++] = file.mode;
  }
  return hashBytes(Buffer.concat([new Uint8Array(numbers.buffer), Buffer.from(paths)]));
}

/**
 * Margin for file-system timestamp granularity. A file modified this close to the moment it was
 * hashed could be modified again without its mtime changing ("racy git"), so its hash is used
 * but not remembered; the next command hashes it again, by then safely in the past.
 */
const RACY_MARGIN_MS = 100;

function isRacy(stats: FileStat, hashedAtMs: number): boolean {
  return stats.mtimeMs + RACY_MARGIN_MS >= hashedAtMs;
}

/** Stat-cache keys are root-relative posix paths without `./` or a trailing slash. */
function normalizePath(path: string): string {
  return path.split(sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

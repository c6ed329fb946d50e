/**
 * Hashing paths in a workspace: a file to its object id, a directory to its manifest's id.
 *
 * Unchanged files cost one `stat` (the {@link StatCache} remembers their hashes). An unchanged
 * directory costs one walk: the fingerprint of its files' stats finds its id directly, and its
 * manifest is only rebuilt when it must be stored.
 */
import { statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { hashFile, systemErrorCode } from '../core/index.js';
import type { DirectorySnapshot } from './object-cache.js';
import { walkDirectory, type DirectoryWalk, type WalkedFile } from './directory-walk.js';
import { normalizeMode, type FileMode } from './file-mode.js';
import { entryPathProblem, manifestObjectId, serializeManifest, type ManifestEntry } from './manifest.js';
import { untrackableFileName } from './errors.js';
import { fileObjectId, type ObjectId } from './object-id.js';
import { hashFiles } from './parallel-hash.js';
import { isRacy } from './racy.js';
import type { FileStat, StatCache } from './stat-cache.js';

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
 * What a hash was computed from, as it was seen: the one stat of a file, or the walk of a
 * directory (with its fingerprint). The status snapshot records these, so that a later
 * `sluice status` can tell without hashing that nothing the verdict rested on changed.
 */
export type ObservedPath =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly stats: Stats }
  | { readonly kind: 'directory'; readonly walk: DirectoryWalk };

/** Told of every path {@link WorkspaceHasher.hash} looks at. */
export interface HashObserver {
  observed(path: string, seen: ObservedPath): void;
}

export class WorkspaceHasher {
  constructor(
    /** Absolute workspace root; paths given to {@link hash} are relative to it. */
    private readonly root: string,
    private readonly statCache: StatCache,
    private readonly observer?: HashObserver,
  ) {}

  /** Hashes a file or directory; undefined when nothing is at the path. */
  async hash(path: string): Promise<HashedPath | undefined> {
    const key = normalizePath(path);
    const absolute = join(this.root, key);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') {
        this.observer?.observed(key, { kind: 'absent' });
        return undefined;
      }
      throw error;
    }
    if (stats.isDirectory()) return this.hashDirectory(absolute, key);
    this.observer?.observed(key, { kind: 'file', stats });
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
    // The files are kept for the manifest, needed whenever the fingerprint is not known.
    const walk = walkDirectory(absolute, { files: true });
    const fingerprint = walk.fingerprint;
    this.observer?.observed(key, { kind: 'directory', walk });
    const known = this.statCache.lookupDirectory(key, fingerprint);
    if (known) {
      return {
        kind: 'directory',
        id: known.objectId,
        size: known.size,
        fileCount: known.fileCount,
        snapshot: async () => this.snapshotDirectory(key, walkDirectory(absolute, { files: true }).files!),
      };
    }
    const startedAt = Date.now();
    const snapshot = await this.snapshotDirectory(key, walk.files!);
    const size = snapshot.entries.reduce((total, entry) => total + entry.size, 0);
    if (!isRacy({ mtimeMs: walk.newestMtimeMs }, startedAt)) {
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
      if (hex === undefined) return;
      // A name a manifest cannot hold (it would be refused when read back) is refused here, when it is made.
      const problem = entryPathProblem(file.relative);
      if (problem) throw untrackableFileName({ path: file.absolute, problem: problem.replace(/^the entry "[^]*?" /, 'its name ') });
      entries.push({ path: file.relative, hash: fileObjectId(hex), size: file.size, mode: file.mode });
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

/** Stat-cache keys are root-relative posix paths without `./` or a trailing slash. */
function normalizePath(path: string): string {
  return path.split(sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * Hashing paths in a workspace: a file to its object id, a directory to its manifest's id.
 * Every file goes through the {@link StatCache}, so unchanged files cost one `stat`.
 */
import { readdirSync, statSync, type BigIntStats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { hashFile, systemErrorCode } from '../core/index.js';
import type { DirectorySnapshot } from './object-cache.js';
import { manifestObjectId, normalizeMode, serializeManifest, type FileMode, type ManifestEntry } from './manifest.js';
import { fileObjectId, type ObjectId } from './object-id.js';
import type { StatCache } from './stat-cache.js';

/** A hashed regular file. */
export interface HashedFile {
  readonly kind: 'file';
  readonly id: ObjectId;
  readonly size: number;
  readonly mode: FileMode;
}

/** A hashed directory, with what is needed to store it. */
export interface HashedDirectory extends DirectorySnapshot {
  readonly kind: 'directory';
  /** Total bytes of its files. */
  readonly size: number;
  readonly fileCount: number;
}

export type HashedPath = HashedFile | HashedDirectory;

export class WorkspaceHasher {
  constructor(
    /** Absolute workspace root; paths given to {@link hash} are relative to it. */
    private readonly root: string,
    private readonly statCache: StatCache,
  ) {}

  /** Hashes a file or directory; undefined when nothing is at the path. */
  async hash(path: string): Promise<HashedPath | undefined> {
    const absolute = join(this.root, path);
    let stats: BigIntStats;
    try {
      stats = statSync(absolute, { bigint: true });
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') return undefined;
      throw error;
    }
    if (stats.isDirectory()) return this.hashDirectory(absolute);
    const hex = await this.hashFileCached(absolute, stats);
    return { kind: 'file', id: fileObjectId(hex), size: Number(stats.size), mode: normalizeMode(Number(stats.mode)) };
  }

  /**
   * Records the known hash of a file just checked out from the cache, so the next status does
   * not read it again (its inode and mtime are new, but its content is the object's).
   */
  rememberCheckout(path: string, hex: string): void {
    const stats = statSync(join(this.root, path), { bigint: true });
    this.statCache.remember(path, stats, hex);
  }

  private async hashDirectory(absolute: string): Promise<HashedDirectory> {
    const entries: ManifestEntry[] = [];
    let size = 0;
    for (const dirent of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
      if (dirent.isDirectory()) continue;
      const file = join(dirent.parentPath, dirent.name);
      const stats = statSync(file, { bigint: true });
      // Symlinks to directories and special files (sockets, fifos) are not data.
      if (!stats.isFile()) continue;
      const hex = await this.hashFileCached(file, stats);
      const relativePath = relative(absolute, file).split(sep).join('/');
      entries.push({ path: relativePath, hash: fileObjectId(hex), size: Number(stats.size), mode: normalizeMode(Number(stats.mode)) });
      size += Number(stats.size);
    }
    const serialized = serializeManifest(entries);
    return { kind: 'directory', id: manifestObjectId(serialized), serialized, entries, size, fileCount: entries.length };
  }

  private async hashFileCached(absolute: string, stats: BigIntStats): Promise<string> {
    const key = relative(this.root, absolute).split(sep).join('/');
    const cached = this.statCache.lookup(key, stats);
    if (cached !== undefined) return cached;
    const hex = await hashFile(absolute, Number(stats.size));
    this.statCache.remember(key, stats, hex);
    return hex;
  }
}

/**
 * The stat cache: a file whose inode, size and mtime (in nanoseconds) are unchanged since it was
 * hashed is not hashed again; a directory whose files all kept their stats (same fingerprint) is
 * not even listed file by file. This is what makes `sluice status` on a 20,000-file dataset one
 * directory walk. Entries persist in the metadata store, keyed by workspace (host and absolute
 * root), so a shared PostgreSQL store keeps machines apart.
 *
 * File entries are loaded on demand (exact paths, or everything under a directory whose
 * fingerprint changed), so an unchanged dataset never costs a 20,000-row query.
 */
import type { BigIntStats } from 'node:fs';
import { hostname } from 'node:os';
import type { DirectoryCacheEntry, MetadataStore, StatCacheEntry } from '../store/index.js';

/** The part of the store the stat cache needs. */
export type StatCachePersistence = Pick<MetadataStore, 'loadStatCache' | 'saveStatCache' | 'loadDirectoryCache' | 'saveDirectoryCache'>;

/** The stat-cache namespace of a checkout on this machine. */
export function workspaceKey(root: string): string {
  return `${hostname()}:${root}`;
}

export class StatCache {
  private readonly files = new Map<string, StatCacheEntry>();
  private readonly pendingFiles = new Map<string, StatCacheEntry>();
  private readonly pendingDirectories = new Map<string, DirectoryCacheEntry>();
  /** Exact paths and directory prefixes whose entries have been asked of the store (done or in flight). */
  private readonly loadedPaths = new Map<string, Promise<void>>();
  private readonly loadedDirectories = new Map<string, Promise<void>>();

  private constructor(
    private readonly persistence: StatCachePersistence | undefined,
    private readonly workspace: string,
    private readonly directories: Map<string, DirectoryCacheEntry>,
  ) {}

  /** Loads a workspace's directory entries (a few rows). Without persistence, the cache lives in memory only. */
  static async open(persistence: StatCachePersistence | undefined, workspace: string): Promise<StatCache> {
    const directories = persistence ? await persistence.loadDirectoryCache(workspace) : [];
    return new StatCache(persistence, workspace, new Map(directories.map((entry) => [entry.path, entry])));
  }

  /** Fetches the entries of these files in one query (paths already fetched are skipped). */
  async loadFiles(paths: readonly string[]): Promise<void> {
    const waiting = paths.map((path) => this.loading(path)).filter((promise): promise is Promise<void> => promise !== undefined);
    const wanted = paths.filter((path) => this.loading(path) === undefined);
    if (wanted.length > 0) {
      const load = this.fetch({ paths: wanted });
      for (const path of wanted) this.loadedPaths.set(path, load);
      waiting.push(load);
    }
    await Promise.all(waiting);
  }

  /** Fetches the entries of every file under a directory. Concurrent callers share one query. */
  async loadDirectory(path: string): Promise<void> {
    const pending = this.loading(path);
    if (pending) return pending;
    const load = this.fetch({ under: path });
    this.loadedDirectories.set(path, load);
    return load;
  }

  /** The remembered hash of `path` if its stat still matches. Entries must have been loaded. */
  lookup(path: string, stats: BigIntStats): string | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    const matches = entry.inode === String(stats.ino) && entry.size === Number(stats.size) && entry.mtimeNs === String(stats.mtimeNs);
    return matches ? entry.hash : undefined;
  }

  /** Remembers a freshly computed hash; written to the store by {@link flush}. */
  remember(path: string, stats: BigIntStats, hash: string): void {
    const entry: StatCacheEntry = { path, inode: String(stats.ino), size: Number(stats.size), mtimeNs: String(stats.mtimeNs), hash };
    this.files.set(path, entry);
    this.pendingFiles.set(path, entry);
  }

  /** The directory entry for `path` if its fingerprint is unchanged. */
  lookupDirectory(path: string, fingerprint: string): DirectoryCacheEntry | undefined {
    const entry = this.directories.get(path);
    return entry?.fingerprint === fingerprint ? entry : undefined;
  }

  rememberDirectory(entry: DirectoryCacheEntry): void {
    this.directories.set(entry.path, entry);
    this.pendingDirectories.set(entry.path, entry);
  }

  /** Writes new and changed entries. */
  async flush(): Promise<void> {
    if (!this.persistence) return;
    const files = [...this.pendingFiles.values()];
    const directories = [...this.pendingDirectories.values()];
    this.pendingFiles.clear();
    this.pendingDirectories.clear();
    await this.persistence.saveStatCache(this.workspace, files);
    await this.persistence.saveDirectoryCache(this.workspace, directories);
  }

  /** The load that covers `path` (its own, or one of an enclosing directory), if any. */
  private loading(path: string): Promise<void> | undefined {
    const own = this.loadedPaths.get(path) ?? this.loadedDirectories.get(path);
    if (own) return own;
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const enclosing = this.loadedDirectories.get(path.slice(0, slash));
      if (enclosing) return enclosing;
    }
    return undefined;
  }

  private async fetch(filter: { paths?: readonly string[]; under?: string }): Promise<void> {
    if (!this.persistence) return;
    for (const entry of await this.persistence.loadStatCache(this.workspace, filter)) this.keep(entry);
  }

  private keep(entry: StatCacheEntry): void {
    if (!this.pendingFiles.has(entry.path)) this.files.set(entry.path, entry);
  }
}

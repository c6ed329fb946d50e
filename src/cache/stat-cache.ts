/**
 * The stat cache: a file whose inode, size and mtime are unchanged since it was
 * hashed is not hashed again; a directory whose files all kept their stats (same fingerprint) is
 * not even listed file by file. This is what makes `sluice status` on a 20,000-file dataset one
 * directory walk.
 *
 * Entries are kept in groups (see {@link StatCachePersistence}): the directory fingerprints, read
 * at open (a few entries); the files under each hashed directory, read only when that directory's
 * fingerprint changed; and the other files, read when exact paths are asked for. So an unchanged
 * dataset never costs reading its 20,000 entries.
 */
import { hostname } from 'node:os';
import { LOOSE_GROUP, type DirectoryCacheEntry, type StatCacheEntry, type StatCachePersistence } from './stat-cache-file.js';

/** What the stat cache compares: one plain `stat` (or a directory walk's) gives it. */
export type FileStat = Readonly<Pick<StatCacheEntry, 'ino' | 'size' | 'mtimeMs'>>;

/** The stat-cache namespace of a checkout on this machine (a copied or moved checkout starts afresh). */
export function workspaceKey(root: string): string {
  return `${hostname()}:${root}`;
}

export class StatCache {
  private readonly files = new Map<string, StatCacheEntry>();
  /** Groups read from persistence (a directory path, or the loose group). */
  private readonly loadedGroups = new Set<string>();
  /** Entries remembered in this process, by group, not yet written. */
  private readonly pendingFiles = new Map<string, Map<string, StatCacheEntry>>();
  /** Directory groups whose every present file is known: entries for other paths are dropped on flush. */
  private readonly liveFiles = new Map<string, ReadonlySet<string>>();
  private readonly changedDirectories = new Set<string>();

  private constructor(
    private readonly persistence: StatCachePersistence | undefined,
    private readonly directories: Map<string, DirectoryCacheEntry>,
  ) {}

  /** Reads the directory entries (a few lines). Without persistence, the cache lives in memory only. */
  static async open(persistence: StatCachePersistence | undefined): Promise<StatCache> {
    const directories = persistence ? persistence.readDirectories() : [];
    return new StatCache(persistence, new Map(directories.map((entry) => [entry.path, entry])));
  }

  /** Reads the entries of these files (those outside hashed directories; groups already read are skipped). */
  async loadFiles(paths: readonly string[]): Promise<void> {
    if (paths.some((path) => this.groupOf(path) === LOOSE_GROUP)) this.loadGroup(LOOSE_GROUP);
  }

  /** Reads the entries of every file under a directory. */
  async loadDirectory(path: string): Promise<void> {
    if (this.groupOf(path) === LOOSE_GROUP) this.loadGroup(path);
  }

  /** The remembered hash of `path` if its stat still matches. Entries must have been loaded. */
  lookup(path: string, stats: FileStat): string | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    const matches = entry.ino === stats.ino && entry.size === stats.size && entry.mtimeMs === stats.mtimeMs;
    return matches ? entry.hash : undefined;
  }

  /** Remembers a freshly computed hash; written by {@link flush}. */
  remember(path: string, stats: FileStat, hash: string): void {
    const entry: StatCacheEntry = { path, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, hash };
    this.files.set(path, entry);
    const group = this.groupOf(path);
    let pending = this.pendingFiles.get(group);
    if (!pending) this.pendingFiles.set(group, (pending = new Map()));
    pending.set(path, entry);
  }

  /**
   * Declares every file present under a directory (its walk): when the directory's entries are a
   * group of their own, entries of files deleted since are dropped at {@link flush}, so a dataset
   * whose files come and go does not grow its cache file forever.
   */
  retainDirectory(path: string, present: ReadonlySet<string>): void {
    if (this.loadedGroups.has(path)) this.liveFiles.set(path, present);
  }

  /** The directory entry for `path` if its fingerprint is unchanged. */
  lookupDirectory(path: string, fingerprint: string): DirectoryCacheEntry | undefined {
    const entry = this.directories.get(path);
    return entry?.fingerprint === fingerprint ? entry : undefined;
  }

  rememberDirectory(entry: DirectoryCacheEntry): void {
    this.directories.set(entry.path, entry);
    this.changedDirectories.add(entry.path);
  }

  /**
   * Writes the groups that changed. Each is merged with what is on disk now, so two commands
   * running side by side lose at most a few entries (a later rehash), never the whole cache.
   */
  async flush(): Promise<void> {
    if (!this.persistence) return;
    for (const group of new Set([...this.pendingFiles.keys(), ...this.liveFiles.keys()])) {
      const stored = this.persistence.readFiles(group);
      const live = this.liveFiles.get(group);
      const kept = live ? stored.filter((entry) => live.has(entry.path)) : stored;
      const pending = this.pendingFiles.get(group) ?? new Map<string, StatCacheEntry>();
      if (pending.size === 0 && kept.length === stored.length) continue;
      const merged = new Map(kept.map((entry) => [entry.path, entry]));
      for (const [path, entry] of pending) merged.set(path, entry);
      this.persistence.writeFiles(group, [...merged.values()]);
    }
    this.pendingFiles.clear();
    this.liveFiles.clear();
    if (this.changedDirectories.size > 0) {
      const merged = new Map(this.persistence.readDirectories().map((entry) => [entry.path, entry]));
      for (const path of this.changedDirectories) merged.set(path, this.directories.get(path)!);
      this.persistence.writeDirectories([...merged.values()]);
      this.changedDirectories.clear();
    }
  }

  /** The group a path's entry belongs to: the innermost directory read as a group, else the loose group. */
  private groupOf(path: string): string {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const enclosing = path.slice(0, slash);
      if (this.loadedGroups.has(enclosing)) return enclosing;
    }
    return LOOSE_GROUP;
  }

  private loadGroup(group: string): void {
    if (this.loadedGroups.has(group)) return;
    this.loadedGroups.add(group);
    if (!this.persistence) return;
    for (const entry of this.persistence.readFiles(group)) if (!this.files.has(entry.path)) this.files.set(entry.path, entry);
  }
}

/**
 * The stat cache: a file whose inode, size and mtime (in nanoseconds) are unchanged since it was
 * hashed is not hashed again. This is what makes `sluice status` on a 20,000-file dataset take a
 * directory walk instead of reading every byte. Entries persist in the metadata store, keyed by
 * workspace (host and absolute root), so a shared PostgreSQL store keeps machines apart.
 */
import type { BigIntStats } from 'node:fs';
import { hostname } from 'node:os';
import type { MetadataStore, StatCacheEntry } from '../store/index.js';

/** The part of the store the stat cache needs. */
export type StatCachePersistence = Pick<MetadataStore, 'loadStatCache' | 'saveStatCache'>;

/** The stat-cache namespace of a checkout on this machine. */
export function workspaceKey(root: string): string {
  return `${hostname()}:${root}`;
}

export class StatCache {
  private readonly pending = new Map<string, StatCacheEntry>();

  private constructor(
    private readonly persistence: StatCachePersistence | undefined,
    private readonly workspace: string,
    private readonly entries: Map<string, StatCacheEntry>,
  ) {}

  /** Loads a workspace's entries in one query. Without persistence, the cache lives in memory only. */
  static async open(persistence: StatCachePersistence | undefined, workspace: string): Promise<StatCache> {
    const loaded = persistence ? await persistence.loadStatCache(workspace) : [];
    return new StatCache(persistence, workspace, new Map(loaded.map((entry) => [entry.path, entry])));
  }

  /** The remembered hash of `path` if its stat still matches. */
  lookup(path: string, stats: BigIntStats): string | undefined {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    const matches = entry.inode === String(stats.ino) && entry.size === Number(stats.size) && entry.mtimeNs === String(stats.mtimeNs);
    return matches ? entry.hash : undefined;
  }

  /** Remembers a freshly computed hash; written to the store by {@link flush}. */
  remember(path: string, stats: BigIntStats, hash: string): void {
    const entry: StatCacheEntry = { path, inode: String(stats.ino), size: Number(stats.size), mtimeNs: String(stats.mtimeNs), hash };
    this.entries.set(path, entry);
    this.pending.set(path, entry);
  }

  /** Writes new and changed entries in one transaction. */
  async flush(): Promise<void> {
    if (this.pending.size === 0 || !this.persistence) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    await this.persistence.saveStatCache(this.workspace, entries);
  }
}

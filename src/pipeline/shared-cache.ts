/**
 * The shared cache: a remote (a directory or S3) that several machines use as the pipeline's
 * cache and run cache. `sluice run --pull` fetches outs of stages already computed anywhere;
 * `--push` publishes them. Objects move through the cache's one transfer layer
 * (`pushObjects`/`pullObjects`); run-cache entries travel as small JSON documents, as DVC's
 * `run-cache push` does:
 *
 *   runs/<first two hex of the key>/<run-cache key>/<BLAKE3 of the document>.json
 *     { "version": 1, "key": "<run-cache key>", "stage": "train", "outs": [LockedPath…] }
 *
 * A document is named by its own content, so two machines publishing the same entry write the
 * same bytes under the same name (put-if-absent), and a stage that is not deterministic leaves
 * one document per distinct result; any complete one restores the stage. An entry is published
 * only after all its objects, so a document on the remote promises its objects are there too.
 */
import { z } from 'zod';
import { hashBytes } from '../core/index.js';
import { pullObjects, pushObjects, type ObjectCache, type ObjectStorage } from '../cache/index.js';
import { sharedCacheIncomplete } from './errors.js';
import { lockedPathSchema, type LockedPath } from './lockfile.js';
import type { Stage } from './stage.js';

/** What a run does with the shared cache. */
export interface SharedCacheOptions {
  /** The remote's object storage. */
  readonly storage: ObjectStorage;
  /** Fetch outs of stages computed elsewhere before running them. */
  readonly pull: boolean;
  /** Publish outs and run-cache entries of stages after they run (or are found unchanged or restored). */
  readonly push: boolean;
  /** Objects moved at once (default 8). */
  readonly jobs?: number;
}

const entryDocumentSchema = z.strictObject({
  version: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  stage: z.string().min(1),
  outs: z.array(lockedPathSchema).min(1),
});

/** The folder of a run-cache key's documents on the remote. */
export function runCacheEntryPrefix(key: string): string {
  return `runs/${key.slice(0, 2)}/${key}/`;
}

/** The document of a run-cache entry and its key on the remote (named by its own content). */
export function runCacheEntryDocument(key: string, stage: string, outs: readonly LockedPath[]): { key: string; bytes: Buffer } {
  const sorted = [...outs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const bytes = Buffer.from(`${JSON.stringify({ version: 1, key, stage, outs: sorted })}\n`);
  return { key: `${runCacheEntryPrefix(key)}${hashBytes(bytes)}.json`, bytes };
}

/** The shared cache a run uses: pulling before a stage runs, publishing after. */
export class SharedCache {
  constructor(
    private readonly cache: ObjectCache,
    readonly options: SharedCacheOptions,
  ) {}

  /** Where it is, for messages. */
  get url(): string {
    return this.options.storage.url;
  }

  /**
   * Fetches the objects of `outs` that the local cache lacks. True when every out is then in the
   * local cache; objects the remote does not have are not an error (the stage then runs).
   */
  async fetch(outs: readonly LockedPath[]): Promise<boolean> {
    return this.fetchObjects(outs.map((out) => ({ id: out.hash, path: out.path })));
  }

  /** Fetches the objects (`id`, named by `path` in messages) that the local cache lacks; true when all are then local. */
  async fetchObjects(objects: readonly { readonly id: string; readonly path: string }[]): Promise<boolean> {
    const missing = objects.filter((object) => !this.cache.has(object.id));
    if (missing.length === 0) return true;
    const result = await pullObjects(this.cache, this.options.storage, missing, { jobs: this.options.jobs });
    // Objects the remote lacks are misses; anything else (unreachable, corrupt) is an error.
    if (result.problems.length > result.absent.length) throw sharedCacheIncomplete({ direction: 'pulled from', url: this.url, failures: result.problems });
    return objects.every((object) => this.cache.has(object.id));
  }

  /**
   * The outs of a run-cache entry for `key` published by any machine, fetched into the local
   * cache; undefined when no published entry matches the stage's declared outs and has all its
   * objects on the remote.
   */
  async findEntry(key: string, stage: Stage): Promise<LockedPath[] | undefined> {
    const declared = new Set(stage.outs.map((out) => out.path));
    for await (const name of this.options.storage.listEntries(runCacheEntryPrefix(key))) {
      const bytes = await this.options.storage.readEntry(name);
      // A document whose bytes do not match its name was damaged: skip it like a foreign file.
      if (!bytes || !name.endsWith(`/${hashBytes(bytes)}.json`)) continue;
      let parsed;
      try {
        parsed = entryDocumentSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
      } catch {
        continue;
      }
      if (!parsed.success || parsed.data.key !== key) continue;
      const outs = parsed.data.outs;
      if (outs.length !== declared.size || !outs.every((out) => declared.has(out.path))) continue;
      if (await this.fetch(outs)) return outs;
    }
    return undefined;
  }

  /** Publishes `outs` (objects first), then the run-cache entry for `key` when there is one. */
  async publish(stage: Stage, key: string | undefined, outs: readonly LockedPath[]): Promise<void> {
    if (outs.length === 0) return;
    const result = await pushObjects(this.cache, this.options.storage, outs.map((out) => ({ id: out.hash, path: out.path })), { jobs: this.options.jobs });
    if (result.problems.length > 0) throw sharedCacheIncomplete({ direction: 'pushed to', url: this.url, failures: result.problems });
    if (key === undefined) return;
    const document = runCacheEntryDocument(key, stage.name, outs);
    await this.options.storage.putEntry(document.key, document.bytes);
  }
}

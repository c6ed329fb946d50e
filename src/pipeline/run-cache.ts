/**
 * The run cache: a stage that already ran with the same command, dep contents and param values
 * (in any branch, at any time) gets its outs back from the cache instead of running again.
 *
 * The key is the BLAKE3 of a canonical record of those inputs and of the declared outs. As in
 * DVC, a stage is only cacheable when that record captures everything it depends on: it has
 * inputs, outs, no `persist` outs (their content depends on history) and no `always_changed`.
 */
import { z } from 'zod';
import { hashBytes } from '../core/index.js';
import type { ObjectCache } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';
import { lockedPathSchema, type LockedPath } from './lockfile.js';
import type { StageSnapshot } from './stage-state.js';
import type { Stage } from './stage.js';

/** Whether a stage's outs are a function of what the key captures. */
export function isRunCacheable(stage: Stage): boolean {
  const hasInputs = stage.deps.length > 0 || stage.params.length > 0;
  return hasInputs && stage.outs.length > 0 && !stage.alwaysChanged && !stage.outs.some((out) => out.persist);
}

/** The run-cache key of a stage about to run, or undefined when it is not cacheable or a dep is missing. */
export function computeRunCacheKey(stage: Stage, snapshot: StageSnapshot): string | undefined {
  if (!isRunCacheable(stage)) return undefined;
  const deps: [string, string][] = [];
  for (const dep of stage.deps) {
    const hashed = snapshot.deps.get(dep.path);
    if (!hashed) return undefined;
    deps.push([dep.path, hashed.id]);
  }
  const record = {
    version: 1,
    cmd: stage.cmd,
    wd: stage.wd,
    env: Object.entries(stage.env).sort(([a], [b]) => (a < b ? -1 : 1)),
    deps: deps.sort(([a], [b]) => (a < b ? -1 : 1)),
    params: Object.entries(snapshot.params)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, values]) => [file, Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1))]),
    outs: stage.outs.map((out) => [out.path, out.kind, out.cache]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
  };
  return hashBytes(JSON.stringify(record));
}

const runCacheOutsSchema = z.array(lockedPathSchema);

/**
 * Where run-cache entries are kept: the metadata store by default; queue workers use one shared
 * by every machine (distributed/shared-run-cache.ts), so a stage retried elsewhere finds them.
 */
export type RunCacheStore = Pick<MetadataStore, 'getRunCacheEntry' | 'putRunCacheEntry'>;

/** Remembers the outs a run produced under its key. */
export async function saveRunCacheEntry(store: RunCacheStore, key: string, stage: Stage, outs: readonly LockedPath[]): Promise<void> {
  await store.putRunCacheEntry({ key, stage: stage.name, outs: outs.map((out) => ({ ...out })), createdAt: Date.now() });
}

/**
 * The outs remembered for `key`, when they match the stage's declared outs and every object is
 * still in the local cache; undefined otherwise (then the stage simply runs).
 */
export async function findRunCacheEntry(store: RunCacheStore, key: string, stage: Stage, cache: ObjectCache): Promise<LockedPath[] | undefined> {
  const entry = await store.getRunCacheEntry(key);
  if (!entry) return undefined;
  const parsed = runCacheOutsSchema.safeParse(entry.outs);
  if (!parsed.success) return undefined;
  const outs = parsed.data;
  const declared = new Set(stage.outs.map((out) => out.path));
  if (outs.length !== declared.size || !outs.every((out) => declared.has(out.path))) return undefined;
  return outs.every((out) => cache.has(out.hash)) ? outs : undefined;
}

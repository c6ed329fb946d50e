/**
 * `sluice.lock`: what each stage last ran with and produced. Kept in git, so it is written
 * deterministically (stages in pipeline order, params keys sorted, no line folding) and
 * atomically (a killed run leaves the previous lock, never half of a new one).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { isAppError, parseLocatedYaml, readTextFile, writeFileAtomic } from '../core/index.js';
import { invalidLockfile } from './errors.js';

export const LOCKFILE_SCHEMA_VERSION = '1';

export const lockedPathSchema = z.strictObject({
  path: z.string().min(1),
  hash: z.string().regex(/^blake3:[0-9a-f]{64}(\.dir)?$/, 'must be blake3:<64 hex digits>, with .dir for directories'),
  size: z.number().int().nonnegative(),
  /** Files in a directory; absent for files. */
  nfiles: z.number().int().nonnegative().optional(),
  /** An executable file (the mode is restored with it), as in dvc.lock. */
  isexec: z.literal(true).optional(),
});

export const lockedStageSchema = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string())]),
  /** The stage's `env`, when it has one: a changed variable reruns the stage. */
  env: z.record(z.string(), z.string()).optional(),
  deps: z.array(lockedPathSchema).optional(),
  /** Values read, by params file then key. */
  params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  outs: z.array(lockedPathSchema).optional(),
});

export const lockfileSchema = z.strictObject({
  schema: z.literal(LOCKFILE_SCHEMA_VERSION),
  stages: z.record(z.string(), lockedStageSchema),
});

export type LockedPath = z.infer<typeof lockedPathSchema>;
export type LockedStage = z.infer<typeof lockedStageSchema>;
export type Lockfile = z.infer<typeof lockfileSchema>;

/** A lock with no stages, as before the first run. */
export function emptyLockfile(): Lockfile {
  return { schema: LOCKFILE_SCHEMA_VERSION, stages: {} };
}

/** Parses lock text; any problem becomes `SLUICE_PIPELINE_BAD_LOCKFILE` with the location. */
export function parseLockfile(text: string, file = 'sluice.lock'): Lockfile {
  let document;
  try {
    document = parseLocatedYaml(text, file);
  } catch (error) {
    if (isAppError(error)) throw invalidLockfile({ reason: error.message }, { location: error.location, cause: error });
    throw error;
  }
  if (document.value === null || document.value === undefined) return emptyLockfile();
  const result = lockfileSchema.safeParse(document.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  throw invalidLockfile({ reason: `${path.join('.') || 'top level'}: ${issue.message}` }, { location: document.locate(path) });
}

/** Reads the lock at `path`; a missing file is an empty lock. */
export function readLockfile(path: string): Lockfile {
  return existsSync(path) ? parseLockfile(readTextFile(path, basename(path))) : emptyLockfile();
}

/** Keys in code-unit order, recursively, so that the same values always print the same. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const YAML_OPTIONS = { lineWidth: 0, indent: 2 } as const;
const HEADER = stringify({ schema: LOCKFILE_SCHEMA_VERSION }, YAML_OPTIONS);

/**
 * One stage's lines of the lock, as they stand under `stages:`. The lock is the concatenation of
 * these blocks, so a run that commits the lock after every stage re-serialises only the stage
 * that changed ({@link LockfileWriter}) instead of every stage each time, which grew with the
 * square of the pipeline's size (about 10 ms a stage at 200 stages).
 */
function stageBlock(name: string, stage: LockedStage): string {
  const entry: Record<string, unknown> = { cmd: stage.cmd };
  if (stage.env && Object.keys(stage.env).length > 0) entry.env = sortKeys(stage.env);
  if (stage.deps?.length) entry.deps = stage.deps.map(orderedPath);
  if (stage.params && Object.keys(stage.params).length > 0) entry.params = sortKeys(stage.params);
  if (stage.outs?.length) entry.outs = stage.outs.map(orderedPath);
  const text = stringify({ stages: { [name]: entry } }, YAML_OPTIONS);
  return text.slice(text.indexOf('\n') + 1);
}

/** The lock's text: stages in `order` (stages not in it are dropped), fields in a fixed order. */
export function serializeLockfile(lock: Lockfile, order: readonly string[], blockOf: (name: string, stage: LockedStage) => string = stageBlock): string {
  const blocks: string[] = [];
  for (const name of order) {
    const stage = lock.stages[name];
    if (stage) blocks.push(blockOf(name, stage));
  }
  return blocks.length === 0 ? `${HEADER}stages: {}\n` : `${HEADER}stages:\n${blocks.join('')}`;
}

/**
 * Lock writes of a run that come closer together than this are coalesced: the first after a quiet
 * spell is written at once, later ones within the interval once it has passed, as one write of the
 * latest lock. Each write re-serialises the lock and fsyncs it (about 7 ms a write on a 2-core
 * VM); with four queue workers finishing stages together, four writes a second became two.
 * What a killed run had not yet written is found again by the next run: a stage's outs and
 * run-cache entry are stored before its lock entry, so a stage the run cache covers is restored,
 * not rerun.
 */
export const LOCK_WRITE_INTERVAL_MS = 250;

/**
 * Writes one run's lock as its stages finish, re-serialising only entries that were replaced since
 * the last write. Entries are recognised by identity: a run replaces a stage's entry, never edits
 * it. Writes within {@link LOCK_WRITE_INTERVAL_MS} of the last are coalesced; {@link flush} writes
 * what is waiting, and the run calls it however it ends.
 */
export class LockfileWriter {
  private readonly blocks = new Map<string, { readonly stage: LockedStage; readonly text: string }>();
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private waiting: Lockfile | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A coalesced write that failed on its timer, reported by the next flush. */
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly order: readonly string[],
    private readonly intervalMs = LOCK_WRITE_INTERVAL_MS,
  ) {}

  /** Writes `lock` now, or when the interval since the last write has passed (the lock as it then stands). */
  write(lock: Lockfile): void {
    const wait = this.lastWriteAt + this.intervalMs - performance.now();
    if (wait <= 0 && this.timer === undefined) {
      this.writeNow(lock);
      return;
    }
    this.waiting = lock;
    this.timer ??= setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        this.failure = error;
      }
    }, wait).unref();
  }

  /** Writes the waiting lock, if any, now; throws what a coalesced write on its timer threw. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lock = this.waiting;
    this.waiting = undefined;
    if (lock) this.writeNow(lock);
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  private writeNow(lock: Lockfile): void {
    writeFileAtomic(this.path, serializeLockfile(lock, this.order, (name, stage) => this.blockOf(name, stage)));
    this.lastWriteAt = performance.now();
  }

  private blockOf(name: string, stage: LockedStage): string {
    const cached = this.blocks.get(name);
    if (cached?.stage === stage) return cached.text;
    const text = stageBlock(name, stage);
    this.blocks.set(name, { stage, text });
    return text;
  }
}

function orderedPath(entry: LockedPath): LockedPath {
  const ordered: LockedPath = { path: entry.path, hash: entry.hash, size: entry.size };
  if (entry.nfiles !== undefined) ordered.nfiles = entry.nfiles;
  if (entry.isexec) ordered.isexec = true;
  return ordered;
}

/** Writes the lock atomically. */
export function writeLockfile(path: string, lock: Lockfile, order: readonly string[]): void {
  writeFileAtomic(path, serializeLockfile(lock, order));
}

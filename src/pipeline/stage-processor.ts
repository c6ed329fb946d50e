/**
 * What `sluice run` does with one stage, cheapest answer first:
 *  1. unchanged → nothing;
 *  2. only outs missing or modified, and the cache has the locked ones → restore them;
 *  3. the same inputs ran before (run cache) → restore that run's outs;
 *  4. otherwise run the command, check its outs, store them, update the lock and run cache.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { parseObjectId, type ObjectCache, type WorkspaceHasher } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';
import { PIPELINE_RUN_ENV, STAGE_ENV } from '../workspace/index.js';
import { outputTracked } from './errors.js';
import { runCommands, type OutputStream } from './command-runner.js';
import type { LockedPath, LockedStage, Lockfile } from './lockfile.js';
import type { StageOutcome, StageStatus } from './outcome.js';
import type { ParamsReader } from './params.js';
import { computeRunCacheKey, findRunCacheEntry, saveRunCacheEntry, type RunCacheStore } from './run-cache.js';
import type { SharedCache } from './shared-cache.js';
import type { StartTurns } from './start-turns.js';
import type { StageDelegate } from './stage-delegate.js';
import type { ExternalDeps } from './registry-deps.js';
import { diffStage, lockEntryFor, onlyOutputsChanged, snapshotStage, toLockedPath, type StageChange, type StageSnapshot } from './stage-state.js';
import type { Output, Stage } from './stage.js';

/** Live progress of a run, for the CLI (or any other front end). */
export interface RunReporter {
  /** A stage's command is about to run, and why. */
  stageStarting?(stage: Stage, changes: readonly StageChange[]): void;
  stageOutput?(stage: Stage, stream: OutputStream, text: string): void;
  stageFinished?(outcome: StageOutcome): void;
}

export interface StageProcessorContext {
  readonly root: string;
  readonly cache: ObjectCache;
  readonly hasher: WorkspaceHasher;
  readonly params: ParamsReader;
  /** Absent only in a dry run before the first real run (then there is no run cache to consult). */
  readonly store: MetadataStore | undefined;
  /** Where run-cache entries are looked up and saved; the store when absent. */
  readonly runCache?: RunCacheStore | undefined;
  /** Runs stages' commands elsewhere (the queue executor) instead of in this process. */
  readonly delegate?: StageDelegate | undefined;
  /** With a delegate: stages start a turn of the event loop apart (see {@link StartTurns}). */
  readonly turns?: StartTurns | undefined;
  /** Extra environment for the commands (a queue worker names itself in SLUICE_WORKER). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** The lock as it stands; updated in memory and on disk after each stage. */
  readonly lock: Lockfile;
  readonly commitLock: (stage: string, entry: LockedStage) => void;
  readonly logsDir: string;
  /** Resolves deps outside the workspace (registry references). */
  readonly external: ExternalDeps;
  /** The pipeline run this stage belongs to, passed to commands as SLUICE_PIPELINE_RUN_ID. */
  readonly pipelineRunId?: string | undefined;
  /** Put first on PATH, so `sluice` in a command is this Sluice. */
  readonly toolDir: string | undefined;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly signal: AbortSignal | undefined;
  readonly reporter: RunReporter;
  /** Dry runs: whether an upstream stage would run, so this one's deps may change. */
  readonly upstreamWouldRun: (stage: Stage) => boolean;
  /** The shared cache (`--pull`, `--push`), when the run uses one. */
  readonly shared?: SharedCache | undefined;
  /**
   * `sluice stage run`: for a stage run only to put back the outs another stage needs, the
   * message to fail with when it cannot be restored (it is never run); undefined for stages to run.
   */
  readonly restoreOnly?: ((stage: Stage) => string | undefined) | undefined;
}

export async function processStage(stage: Stage, context: StageProcessorContext): Promise<StageOutcome> {
  await context.turns?.turn();
  const startedAt = Date.now();
  const finish = (status: StageStatus, extra: Partial<StageOutcome> = {}): StageOutcome => ({
    stage: stage.name,
    status,
    changes: [],
    startedAt,
    durationMs: Date.now() - startedAt,
    ...extra,
  });
  const locked = context.lock.stages[stage.name];
  if (stage.frozen) return finish('frozen', { lock: locked });

  const snapshot = await snapshotStage(stage, context.hasher, context.params, { external: context.external });
  const changes = diffStage(stage, snapshot, locked);
  if (!context.force && changes.length === 0) {
    if (context.dryRun) return context.upstreamWouldRun(stage) ? finish('would-run', { changes }) : finish('unchanged', { lock: locked });
    // An out switched to `cache: false` or `persist` must not stay a read-only hardlink of the cache.
    for (const out of stage.outs) if (!isShareable(out)) context.cache.unprotect(join(context.root, out.path));
    await publish(stage, computeRunCacheKey(stage, snapshot), locked?.outs ?? [], context);
    return finish('unchanged', { lock: locked });
  }

  if (!context.dryRun) discardDamagedObjects(changes, locked?.outs ?? [], context);
  const restorable = !context.force && locked !== undefined && onlyOutputsChanged(changes) && (await inCache(locked.outs ?? [], context));
  if (restorable) {
    if (context.dryRun) return finish('would-restore', { changes });
    restoreOutputs(stage, locked.outs ?? [], context, changedOutputPaths(changes));
    await publish(stage, computeRunCacheKey(stage, snapshot), locked.outs ?? [], context);
    return finish('restored', { changes, lock: locked });
  }

  const runCacheKey = computeRunCacheKey(stage, snapshot);
  const cachedOuts = context.force || runCacheKey === undefined ? undefined : await findCachedRun(stage, runCacheKey, context);
  if (cachedOuts) {
    if (context.dryRun) return finish('would-restore-run-cache', { changes, runCacheKey });
    restoreOutputs(stage, cachedOuts, context);
    const entry = lockEntryFor(stage, snapshot, cachedOuts);
    context.commitLock(stage.name, entry);
    await publish(stage, runCacheKey, cachedOuts, context);
    return finish('restored-run-cache', { changes, runCacheKey, lock: entry });
  }
  if (context.dryRun) return finish('would-run', { changes, runCacheKey });
  const notRestorable = context.restoreOnly?.(stage);
  if (notRestorable !== undefined) return finish('failed', { changes, runCacheKey, message: notRestorable });

  context.reporter.stageStarting?.(stage, changes);
  if (context.delegate) return runDelegated(stage, context.delegate, { snapshot, changes, runCacheKey }, context, finish);
  prepareOutputs(stage, context);
  const logPath = join(context.logsDir, `${logFileName(stage.name)}.log`);
  const result = await runCommands(stage.cmd, {
    cwd: join(context.root, stage.wd),
    env: commandEnv(stage, context),
    logFile: logPath,
    onOutput: (stream, text) => context.reporter.stageOutput?.(stage, stream, text),
    signal: context.signal,
  });
  const logRelative = relative(context.root, logPath);
  if (result.interrupted) return finish('interrupted', { changes, logPath: logRelative, tail: result.tail, message: 'stopped by an interrupt' });
  if (result.exitCode !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    return finish('failed', { changes, exitCode: result.exitCode, tail: result.tail, logPath: logRelative, message: `\`${result.failedCommand}\` ${how}` });
  }

  const missing = stage.outs.filter((out) => !existsSync(join(context.root, out.path))).map((out) => out.path);
  if (missing.length > 0) {
    return finish('failed', {
      changes,
      exitCode: 0,
      logPath: logRelative,
      message: `the command succeeded but did not produce ${missing.join(', ')} (declared in ${missing.length === 1 ? 'its outs' : 'its outs'})`,
    });
  }

  const outs = await storeOutputs(stage, context);
  const runCache = context.runCache ?? context.store;
  // Run cache before lock: if the store fails here, the stage is not recorded as done anywhere.
  if (runCacheKey !== undefined && runCache) await saveRunCacheEntry(runCache, runCacheKey, stage, outs);
  const entry = lockEntryFor(stage, snapshot, outs);
  context.commitLock(stage.name, entry);
  await publish(stage, runCacheKey, outs, context);
  return finish('ran', { changes, exitCode: 0, logPath: logRelative, runCacheKey, lock: entry });
}

/**
 * The delegate runs the command elsewhere; its outs come back through the shared cache and are
 * checked out here, so the workspace, the lock and the run cache end as after a local run.
 */
async function runDelegated(
  stage: Stage,
  delegate: StageDelegate,
  state: { snapshot: StageSnapshot; changes: StageChange[]; runCacheKey: string | undefined },
  context: StageProcessorContext,
  finish: (status: StageStatus, extra?: Partial<StageOutcome>) => StageOutcome,
): Promise<StageOutcome> {
  const { snapshot, changes, runCacheKey } = state;
  const deps: Record<string, string> = {};
  for (const [path, hashed] of snapshot.deps) if (hashed) deps[path] = hashed.id;
  const result = await delegate.run({ stage, runId: context.pipelineRunId, deps, runCacheKey, signal: context.signal });
  const common = { changes, runCacheKey, where: result.where, exitCode: result.exitCode, tail: result.tail, message: result.message };
  if (result.status === 'failed' || result.status === 'interrupted') return finish(result.status, common);
  const outs = result.outs ?? [];
  // Workers with a remote (`sluice worker --remote`) published the outs there; `--pull` brings them.
  if (context.shared?.options.pull === true) await context.shared.fetch(outs);
  const absent = outs.filter((out) => !context.cache.has(out.hash)).map((out) => out.path);
  if (absent.length > 0 || outs.length !== stage.outs.length) {
    const what = absent.length > 0 ? `${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not in this checkout's cache` : 'its outs do not match the stage';
    return finish('failed', {
      ...common,
      message: `ran on ${result.where ?? 'a worker'}, but ${what}: the submitting checkout and the workers must share one cache (cache.dir), or a remote (sluice worker --remote NAME, sluice run --pull)`,
    });
  }
  restoreOutputs(stage, outs, context);
  const runCache = context.runCache ?? context.store;
  if (runCacheKey !== undefined && runCache) await saveRunCacheEntry(runCache, runCacheKey, stage, outs);
  const entry = lockEntryFor(stage, snapshot, outs);
  context.commitLock(stage.name, entry);
  return finish(result.status, { ...common, lock: entry });
}

/** Whether every out is in the local cache, after fetching the missing ones from the shared cache (`--pull`). */
async function inCache(outs: readonly LockedPath[], context: StageProcessorContext): Promise<boolean> {
  if (outs.every((out) => context.cache.has(out.hash))) return true;
  return context.shared?.options.pull === true && !context.dryRun ? context.shared.fetch(outs) : false;
}

/**
 * The outs of an earlier run with the same inputs: from the run cache in the metadata store, else
 * (with `--pull`) from the shared cache, whose entry is then remembered locally too.
 */
async function findCachedRun(stage: Stage, key: string, context: StageProcessorContext): Promise<LockedPath[] | undefined> {
  const runCache = context.runCache ?? context.store;
  const local = runCache ? await findRunCacheEntry(runCache, key, stage, context.cache) : undefined;
  if (local || context.dryRun || context.shared?.options.pull !== true) return local;
  const shared = await context.shared.findEntry(key, stage);
  if (shared && runCache) await saveRunCacheEntry(runCache, key, stage, shared);
  return shared;
}

/** With `--push`: the stage's outs and run-cache entry to the shared cache. */
async function publish(stage: Stage, key: string | undefined, outs: readonly LockedPath[], context: StageProcessorContext): Promise<void> {
  if (context.shared?.options.push === true && !context.dryRun) await context.shared.publish(stage, key, outs);
}

/** The environment of a stage's commands: Sluice's `sluice` first on PATH, the stage's own variables, and what Sluice tells it. */
function commandEnv(stage: Stage, context: StageProcessorContext): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(context.toolDir ? { PATH: `${context.toolDir}${delimiter}${process.env.PATH ?? ''}` } : {}),
    ...context.env,
    ...stage.env,
    [STAGE_ENV]: stage.name,
    SLUICE_ROOT: context.root,
    ...(context.pipelineRunId ? { [PIPELINE_RUN_ENV]: context.pipelineRunId } : {}),
  };
}

/** A modified out that is a hardlink of its object means the object was edited too: it must not be restored. */
function discardDamagedObjects(changes: readonly StageChange[], lockedOuts: readonly LockedPath[], context: StageProcessorContext): void {
  for (const change of changes) {
    if (change.kind !== 'out-modified') continue;
    const locked = lockedOuts.find((out) => out.path === change.path);
    if (locked) context.cache.discardWrittenThrough(locked.hash, join(context.root, locked.path));
  }
}

function changedOutputPaths(changes: readonly StageChange[]): Set<string> {
  return new Set(changes.flatMap((change) => (change.kind === 'out-missing' || change.kind === 'out-modified' ? [change.path] : [])));
}

/** Checks out locked outs (all, or only `only`) from the cache. */
function restoreOutputs(stage: Stage, outs: readonly LockedPath[], context: StageProcessorContext, only?: ReadonlySet<string>): void {
  for (const locked of outs) {
    if (only && !only.has(locked.path)) continue;
    const out = stage.outs.find((candidate) => candidate.path === locked.path);
    const mode = locked.isexec ? 0o755 : 0o644;
    context.cache.checkout(locked.hash, join(context.root, locked.path), { shared: isShareable(out) && !locked.isexec, mode });
    rememberRestored(locked, context);
  }
}

/** Primes the stat cache with the hashes of restored files, which are known without reading them. */
function rememberRestored(locked: LockedPath, context: StageProcessorContext): void {
  const id = parseObjectId(locked.hash);
  if (!id) return;
  if (!id.isDirectory) {
    context.hasher.rememberCheckout(locked.path, id.hex);
    return;
  }
  for (const entry of context.cache.readManifest(locked.hash)) {
    const file = parseObjectId(entry.hash);
    if (file) context.hasher.rememberCheckout(`${locked.path}/${entry.path}`, file.hex);
  }
}

/** Outs are deleted before the command runs (so stale files cannot pass for new ones), except `persist` outs. */
function prepareOutputs(stage: Stage, context: StageProcessorContext): void {
  for (const out of stage.outs) {
    const path = join(context.root, out.path);
    if (out.persist) context.cache.unprotect(path);
    else {
      // Tracked data inside an output folder would go with it: the graph checks the out and its
      // parents (buildGraph); what is inside is looked at here, only when the folder is replaced.
      // One lstat first: most outs are absent (a fresh checkout) or a single file, and rmSync's
      // recursive walk throws and catches ENOENT for an absent one (about 1 ms a stage on a worker).
      const stats = lstatSync(path, { throwIfNoEntry: false });
      if (stats?.isFile()) unlinkSync(path);
      else if (stats) {
        const pointer = pointerInside(path);
        if (pointer) throw outputTracked({ stage: stage.name, path: out.path, pointer: `${out.path}/${pointer}` });
        rmSync(path, { recursive: true, force: true });
      }
    }
    mkdirSync(dirname(path), { recursive: true });
  }
}

/** A `.sluice` pointer file inside the folder at `path` (relative to it), if there is one. */
function pointerInside(path: string): string | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) return undefined;
  return (readdirSync(path, { recursive: true, encoding: 'utf8' })).find((name) => name.endsWith('.sluice') && statSync(join(path, name)).isFile());
}

/** Hashes the outs and stores them in the cache; returns their lock entries. */
async function storeOutputs(stage: Stage, context: StageProcessorContext): Promise<LockedPath[]> {
  const locked: LockedPath[] = [];
  for (const out of stage.outs) {
    const path = join(context.root, out.path);
    const hashed = await context.hasher.hash(out.path);
    if (!hashed) throw new Error(`${out.path} disappeared while being stored`);
    const shared = isShareable(out);
    if (hashed.kind === 'file') {
      // An executable must keep its mode, so it never shares the read-only object's inode.
      context.cache.addFile(path, hashed.id, { shared: shared && hashed.mode === 0o644 });
      locked.push(toLockedPath(out.path, hashed));
      continue;
    }
    const snapshot = await hashed.snapshot();
    context.cache.addDirectory(path, snapshot, { shared });
    const size = snapshot.entries.reduce((total, entry) => total + entry.size, 0);
    locked.push({ path: out.path, hash: snapshot.id, size, nfiles: snapshot.entries.length });
  }
  return locked;
}

/**
 * Whether an out may share storage with the cache (a hardlink). Not for files kept in git
 * (`cache: false`, metrics, plots) nor for files the command updates in place (`persist`).
 */
function isShareable(out: Output | undefined): boolean {
  return out !== undefined && out.cache && !out.persist;
}

/**
 * A stage's log file name: its name, with the path separators a `foreach` item may bring in
 * (`s@data/a.csv`, `s@../x`) escaped, so that every log is one file inside the run's log folder.
 */
export function logFileName(stage: string): string {
  return stage.replace(/[%/\\\0]/g, (character) => `%${character.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

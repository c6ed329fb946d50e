/**
 * `sluice run`: reproduce the pipeline. Loads and checks the DAG, takes the repository lock,
 * processes the selected stages in order (in parallel up to `jobs`), keeps `sluice.lock` current
 * after every stage, and records the pipeline run and each stage in the metadata store.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isAppError, readGitState, type AppError, type GitState } from '../core/index.js';
import { WorkspaceHasher } from '../cache/index.js';
import type { JsonValue, MetadataStore } from '../store/index.js';
import {
  acquireRunLock,
  ensureGitignoreEntries,
  gitignoreEntryFor,
  initWorkspace,
  openWorkspaceCache,
  openWorkspaceStatCache,
  openWorkspaceServices,
  openWorkspaceStore,
  osUserName,
  removeGitignoreEntries,
  SLUICE_GITIGNORE_ENTRIES,
  type Workspace,
  type WorkspaceServices,
} from '../workspace/index.js';
import { buildGraph, selectStages, type PipelineGraph } from './dag.js';
import { loadPipeline } from './load-pipeline.js';
import { runRecordsLost } from './errors.js';
import { LockfileWriter, readLockfile, type LockedStage } from './lockfile.js';
import { collectMetrics, type MetricsFile } from './metrics.js';
import type { StageOutcome } from './outcome.js';
import { ParamsReader } from './params.js';
import { scheduleStages } from './scheduler.js';
import { PipelineTracking, type PipelineRunRecord } from './record-tracking.js';
import { registryDeps, registrySourceOf } from './registry-deps.js';
import { SharedCache, type SharedCacheOptions } from './shared-cache.js';
import { processStage, type RunReporter } from './stage-processor.js';
import { StartTurns } from './start-turns.js';
import type { StageDelegate } from './stage-delegate.js';
import { selectForStageRun } from './stage-run.js';
import { readParamValues, stagePaths } from './stage-state.js';
import type { Stage } from './stage.js';
import { StatusSnapshotRecorder } from './status-snapshot/record-snapshot.js';
import { frozenReport, upToDateReport, type StageStatusReport } from './status-report.js';

export interface RunPipelineOptions {
  /** Stages to reproduce, with everything upstream of them; all when empty. */
  readonly targets?: readonly string[];
  /** Run commands even when nothing changed (and ignore the run cache). */
  readonly force?: boolean;
  /** Say what would happen; change nothing. */
  readonly dryRun?: boolean;
  /** Stages run at once (default 1). */
  readonly jobs?: number;
  /** After a failure, go on with stages that do not depend on it. */
  readonly keepGoing?: boolean;
  readonly signal?: AbortSignal;
  readonly reporter?: RunReporter;
  /** The command line, for the record. */
  readonly command?: string;
  /** A directory with the `sluice` executable, put first on stages' PATH (for `uses:` stages). */
  readonly toolDir?: string;
  /**
   * Runs stages' commands elsewhere (the queue executor): every other step (unchanged, restored,
   * run cache, lock, records) stays here. With a delegate, `jobs` is how many stages are out at once.
   */
  readonly delegate?: StageDelegate;
  /**
   * The workspace's services when the caller has them open (`sluice ci` runs the pipeline several
   * times on one connection); they are used and left open. Default: opened and closed here.
   */
  readonly services?: WorkspaceServices;
  /** The shared cache to pull from and push to (`--pull`, `--push`), when the run uses one. */
  readonly sharedCache?: SharedCacheOptions;
  /**
   * `sluice stage run`: process exactly the one stage in `targets`, assuming its deps are present;
   * producers of missing deps are only restored from a cache, never run.
   */
  readonly singleStage?: boolean;
  /** How the run is recorded in tracking (default: kind `pipeline`, name `pipeline-<id>`); experiments set their own. */
  readonly record?: PipelineRunRecord;
}

export interface PipelineRunReport {
  /** The id recorded in the metadata store (undefined for dry runs). */
  readonly runId: string | undefined;
  readonly status: 'succeeded' | 'failed' | 'interrupted';
  /** One outcome per selected stage, in run order. */
  readonly outcomes: readonly StageOutcome[];
  /** Where this run's stage logs are, relative to the root. */
  readonly logsDir: string;
}

/** How many runs' logs `.sluice/logs/` keeps. */
const KEPT_LOG_RUNS = 20;

// eslint-disable-next-line max-lines-per-function -- the run's steps in order inside the one try/finally that holds the repository lock and the store; each step is a named function
export async function runPipeline(workspace: Workspace, options: RunPipelineOptions = {}): Promise<PipelineRunReport> {
  const dryRun = options.dryRun ?? false;
  // Every running stage listens for the stop (a command, or a job on the queue): with `-j 12` that
  // is more listeners than Node's leak warning (10) expects of one signal, and nothing leaks.
  if (options.signal) setMaxListeners(0, options.signal);
  // A run of the whole pipeline that finds nothing to do is a status check too: it keeps the status snapshot.
  const recorder = dryRun || (options.targets ?? []).length > 0 ? undefined : new StatusSnapshotRecorder(workspace);
  const pipeline = loadPipeline(workspace.root);
  const graph = buildGraph(pipeline, { checkDepsExist: true });
  const single = options.singleStage ? selectForStageRun(graph, options.targets?.[0] ?? '', workspace.root) : undefined;
  const selected = single?.selected ?? selectStages(graph, options.targets ?? []);

  if (!dryRun) initWorkspace(workspace.root);
  const runLock = dryRun ? undefined : acquireRunLock(join(workspace.paths.tmpDir, 'run.lock'));
  const lockWriter = new LockfileWriter(workspace.paths.lockFile, pipeline.stages.map((stage) => stage.name));
  let store: MetadataStore | undefined;
  let services: WorkspaceServices | undefined;
  /** The run id once its records exist, and whether they were closed. */
  let recordsBegun: string | undefined;
  let recordsClosed = false;
  let unclosed = false;
  try {
    // A dry run changes nothing: before the first real run there is no store to read, and none is created.
    store = options.services?.store ?? (!dryRun || existsSync(workspace.paths.sluiceDir) ? await openWorkspaceStore(workspace) : undefined);
    const cache = openWorkspaceCache(workspace);
    const shared = options.sharedCache ? new SharedCache(cache, options.sharedCache) : undefined;
    const statCache = await openWorkspaceStatCache(workspace);
    await statCache.loadFiles(stagePaths(selected));
    const hasher = new WorkspaceHasher(workspace.root, statCache, recorder);
    const external = registryDeps(registrySourceOf(workspace, store));
    const params = new ParamsReader(workspace.root);
    const lock = readLockfile(workspace.paths.lockFile);
    const runId = dryRun ? undefined : randomUUID();
    const logsDir = join(workspace.paths.logsDir, runId ?? 'dry-run');

    let tracking: PipelineTracking | undefined;
    const selectedParams = paramsSnapshot(selected, params);
    if (!dryRun && store) {
      // First, so that a team server that does not answer stops the run before anything is changed.
      services = options.services ?? (await openWorkspaceServices(workspace, { store }));
      cache.cleanTemp();
      pruneOldLogs(workspace.paths.logsDir);
      mkdirSync(logsDir, { recursive: true });
      syncGitignore(workspace.root, pipeline.stages);
      await closeAbandonedRun(services, runLock?.abandonedRunId);
      // Named in the lock before it exists in the store, so no moment leaves a run unclosable.
      runLock?.setRunId(runId!);
      recordsBegun = runId;
      const command = options.command ?? 'sluice run';
      const git = await beginRunRecord(store, workspace, runId!, command, selectedParams as JsonValue, pipeline.stages);
      tracking = await PipelineTracking.start(services, { runId: runId!, git, command, record: options.record });
    }
    const stagesByName = new Map(pipeline.stages.map((stage) => [stage.name, stage]));

    const outcomes = new Map<string, StageOutcome>();
    const activeStore = store;
    const turns = options.delegate ? new StartTurns() : undefined;
    await scheduleStages(
      selected,
      (stage) =>
        processStage(stage, {
          root: workspace.root,
          cache,
          hasher,
          params,
          store: activeStore,
          lock,
          commitLock: (name: string, entry: LockedStage) => {
            lock.stages[name] = entry;
            lockWriter.write(lock);
          },
          logsDir,
          external,
          pipelineRunId: runId,
          toolDir: options.toolDir,
          delegate: options.delegate,
          turns,
          force: options.force ?? false,
          dryRun,
          signal: options.signal,
          reporter: options.reporter ?? {},
          shared,
          restoreOnly: single?.restoreOnly,
          upstreamWouldRun: (stage) =>
            [...(graph.upstream.get(stage.name) ?? [])].some((name) => outcomes.get(name)?.status.startsWith('would-') ?? false),
        }),
      { jobs: Math.max(1, options.jobs ?? 1), keepGoing: options.keepGoing ?? false, signal: options.signal, upstream: graph.upstream, skipReason: (stage, failed) => skipReason(graph, stage, failed, outcomes.get(failed)?.status === 'failed') },
      async (outcome) => {
        outcomes.set(outcome.stage, outcome);
        options.reporter?.stageFinished?.(outcome);
        if (runId && activeStore) await recordStage(activeStore, runId, outcome);
        const stage = stagesByName.get(outcome.stage);
        if (tracking && stage) await tracking.recordStage(outcome, collectMetrics(workspace.root, [stage]), (id) => cache.readManifest(id));
      },
    );
    await statCache.flush();
    lockWriter.flush();

    const ordered = selected.flatMap((stage) => outcomes.get(stage.name) ?? []);
    recorder?.finish(pipeline, selected, selected.map((stage) => settledReport(stage, outcomes.get(stage.name))));
    const status = options.signal?.aborted || ordered.some((outcome) => outcome.status === 'interrupted')
      ? 'interrupted'
      : ordered.some((outcome) => outcome.status === 'failed')
        ? 'failed'
        : 'succeeded';
    if (runId && store) {
      const metrics = collectMetrics(workspace.root, pipeline.stages);
      await store.finishPipelineRun(runId, { status, endedAt: Date.now(), metrics: metricsSnapshot(metrics) });
      await tracking?.finish(status, selectedParams, metrics);
    }
    recordsClosed = true;
    return { runId, status, outcomes: ordered, logsDir: join('.sluice', 'logs', runId ?? 'dry-run') };
  } catch (error) {
    // Records begun but not closed (the server or database stopped answering): the next run closes them.
    if (recordsBegun && !recordsClosed) {
      unclosed = true;
      // The team server's own message says nothing was run, which is no longer true mid-run; a
      // lost database keeps its message (it names the store and how to check it).
      if (isAppError(error) && error.code === 'SLUICE_REMOTE_UNREACHABLE') throw runRecordsLost({ runId: recordsBegun, reason: unavailableReason(error) }, { cause: error });
    }
    throw error;
  } finally {
    // A run that failed midway still leaves the lock of the stages it finished.
    try {
      lockWriter.flush();
    } catch {
      // The run's own error is the one to report.
    }
    if (!options.services) {
      await services?.close().catch(() => undefined);
      await store?.close().catch(() => undefined);
    }
    if (unclosed) runLock?.releaseUnclosed();
    else runLock?.release();
  }
}

/** What the unreachable server's error said, without its claim that nothing was recorded. */
function unavailableReason(error: AppError): string {
  const { url, reason } = error.details ?? {};
  return typeof url === 'string' && typeof reason === 'string' ? `the server at ${url}: ${reason}` : error.message;
}

/** What status would say of a stage after this run, when the run left it as it found it (else undefined). */
function settledReport(stage: Stage, outcome: StageOutcome | undefined): StageStatusReport | undefined {
  if (outcome?.status === 'frozen') return frozenReport(stage.name);
  return outcome?.status === 'unchanged' ? upToDateReport(stage.name) : undefined;
}

/** Why a stage did not run after `failed`, which it waits for, did not succeed. */
function skipReason(graph: PipelineGraph, stage: string, failed: string, itFailed: boolean): string {
  const reason = graph.reasons.get(stage)?.get(failed);
  const what = itFailed ? 'failed' : 'did not run';
  if (reason?.kind === 'validates') return `the validation of ${reason.path} ${what} (stage "${failed}")`;
  if (reason?.kind === 'after') return `stage "${failed}", which it runs after, ${what}`;
  return `upstream stage "${failed}" ${what}`;
}

/** Cached outs are ignored by git; outs kept in git (`cache: false`, metrics, plots) are not. */
function syncGitignore(root: string, stages: readonly Stage[]): void {
  const entries = (cached: boolean) => stages.flatMap((stage) => stage.outs.filter((out) => out.cache === cached).map((out) => gitignoreEntryFor(out.path)));
  ensureGitignoreEntries(root, entries(true));
  removeGitignoreEntries(root, entries(false));
}

/**
 * The workspace's commit, branch and whether its code differs from the commit; what the pipeline
 * writes itself (sluice.lock, the outs of `stages`, .sluice/, its .gitignore entries) does not
 * count as uncommitted code.
 */
export function readPipelineGitState(workspace: Workspace, stages: readonly Stage[]): Promise<GitState> {
  const outs = stages.flatMap((stage) => stage.outs);
  return readGitState(workspace.root, {
    ownPaths: [relative(workspace.root, workspace.paths.lockFile), relative(workspace.root, workspace.paths.sluiceDir), ...outs.map((out) => out.path)],
    ownGitignoreLines: [...SLUICE_GITIGNORE_ENTRIES, ...outs.filter((out) => out.cache).map((out) => gitignoreEntryFor(out.path))],
  });
}

/**
 * Records the start of a run with the git state it ran on, and returns that state. What the
 * pipeline writes itself (sluice.lock, outs and metrics, .sluice/, its .gitignore entries) does
 * not count as uncommitted code.
 */
async function beginRunRecord(store: MetadataStore, workspace: Workspace, id: string, command: string, params: JsonValue, stages: readonly Stage[]): Promise<GitState> {
  const git = await readPipelineGitState(workspace, stages);
  await store.beginPipelineRun({
    id,
    startedAt: Date.now(),
    gitCommit: git.commit,
    gitBranch: git.branch,
    gitDirty: git.dirty,
    user: osUserName(),
    command,
    params,
  });
  return git;
}

/** A run whose process died holding the lock (SIGKILL, power loss) is recorded as interrupted, not left running. */
async function closeAbandonedRun(services: WorkspaceServices, runId: string | undefined): Promise<void> {
  if (runId === undefined) return;
  const run = await services.store.getPipelineRun(runId);
  if (run?.status === 'running') await services.store.finishPipelineRun(runId, { status: 'interrupted', endedAt: Date.now(), metrics: {} });
  await PipelineTracking.markInterrupted(services.tracking, runId);
}

async function recordStage(store: MetadataStore, runId: string, outcome: StageOutcome): Promise<void> {
  await store.recordStageRun({
    runId,
    stage: outcome.stage,
    status: outcome.status,
    startedAt: outcome.startedAt,
    durationMs: outcome.durationMs,
    runCacheKey: outcome.runCacheKey,
    exitCode: outcome.exitCode,
    lock: (outcome.lock ?? {}) as JsonValue,
    logPath: outcome.logPath,
    message: outcome.message ?? (outcome.where === undefined ? undefined : `ran on worker ${outcome.where}`),
  });
}

function paramsSnapshot(stages: readonly Stage[], reader: ParamsReader): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const stage of stages) {
    for (const [file, entries] of Object.entries(readParamValues(stage, reader))) Object.assign((values[file] ??= {}), entries);
  }
  return values;
}

function metricsSnapshot(files: readonly MetricsFile[]): JsonValue {
  const snapshot: Record<string, Record<string, unknown>> = {};
  for (const file of files) if (file.values) snapshot[file.path] = file.values;
  return snapshot as JsonValue;
}

function pruneOldLogs(logsDir: string): void {
  if (!existsSync(logsDir)) return;
  const runs = readdirSync(logsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'dry-run')
    .map((entry) => ({ name: entry.name, time: statTime(join(logsDir, entry.name)) }))
    .sort((a, b) => b.time - a.time);
  for (const old of runs.slice(KEPT_LOG_RUNS - 1)) rmSync(join(logsDir, old.name), { recursive: true, force: true });
}

function statTime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * One stage run on behalf of another checkout (a queue worker's job): in a checkout at the
 * submitter's commit, with the upstream outs it names checked out from the shared cache, and
 * with the shared run cache, so that a stage retried after its worker died is restored, not
 * rerun, when the first attempt got as far as storing its outs.
 *
 * Before anything runs, the inputs hashed here are held against the submitter's: a checkout that
 * differs (uncommitted changes on the submitting side) fails with the paths that differ rather
 * than producing outs for other inputs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean } from '../core/index.js';
import { WorkspaceHasher, type ObjectCache, type StatCache } from '../cache/index.js';
import { openWorkspaceStatCache, type Workspace } from '../workspace/index.js';
import { pathsOverlap } from './dag.js';
import { stageNotFound } from './errors.js';
import { emptyLockfile } from './lockfile.js';
import type { PipelineCache } from './pipeline-cache.js';
import type { SharedCache } from './shared-cache.js';
import { loadPipeline } from './load-pipeline.js';
import type { StageOutcome } from './outcome.js';
import { ParamsReader } from './params.js';
import { isRegistryReference, registryDeps, registrySourceOf } from './registry-deps.js';
import { computeRunCacheKey, type RunCacheStore } from './run-cache.js';
import { processStage, type RunReporter } from './stage-processor.js';
import { snapshotStage } from './stage-state.js';
import type { Stage } from './stage.js';

export interface WorkerStageOptions {
  /** The shared object cache (the same for the submitter and every worker). */
  readonly cache: ObjectCache;
  /** The shared run cache. */
  readonly runCache: RunCacheStore;
  /** The deps' ids as the submitter hashed them (path → id). */
  readonly deps: Readonly<Record<string, string>>;
  /** The submitter's run-cache key, when the stage is cacheable. */
  readonly runCacheKey: string | undefined;
  /** Where the stage's log goes. */
  readonly logsDir: string;
  /** Extra environment for the commands. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly toolDir?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly reporter?: RunReporter | undefined;
  /** Pipelines already parsed in this checkout (a worker runs many stages of one commit). */
  readonly pipelines?: PipelineCache | undefined;
  /**
   * A remote used as the shared cache, for workers that share no cache directory with the
   * submitter: upstream outs are fetched from it, and the stage's outs and run-cache entry published to it.
   */
  readonly shared?: SharedCache | undefined;
  /**
   * The checkout's stat cache, kept by the caller between jobs and written when it chooses: a
   * worker running many stages in one checkout then neither reads nor rewrites it for each stage
   * (a file that grows with every out hashed). Opened and written here when absent.
   */
  readonly statCache?: StatCache | undefined;
}

/** Runs stage `name` of the pipeline in `workspace` (a worker's checkout) and returns its outcome. */
export async function runWorkerStage(workspace: Workspace, name: string, options: WorkerStageOptions): Promise<StageOutcome> {
  const startedAt = Date.now();
  const pipeline = options.pipelines?.load(workspace.root) ?? loadPipeline(workspace.root);
  const stage = pipeline.stages.find((candidate) => candidate.name === name);
  if (!stage) throw stageNotFound({ name, suggestion: didYouMean(name, pipeline.stages.map((candidate) => candidate.name)) });

  if (options.shared) await options.shared.fetchObjects(upstreamDeps(stage, pipeline.stages, options.deps));
  materializeUpstreamOuts(workspace.root, stage, pipeline.stages, options);
  mkdirSync(workspace.paths.tmpDir, { recursive: true });
  mkdirSync(options.logsDir, { recursive: true });
  const statCache = options.statCache ?? (await openWorkspaceStatCache(workspace));
  const hasher = new WorkspaceHasher(workspace.root, statCache);
  const params = new ParamsReader(workspace.root);
  // `models:/…` deps resolve where the submitter's did only through a registry both share: a team
  // server, or one database. A checkout's own SQLite file is not the submitter's registry.
  const shared = workspace.server !== undefined || workspace.storeLocation.dialect !== 'sqlite';
  const external = registryDeps(shared ? registrySourceOf(workspace, workspace.storeLocation) : undefined);
  try {
    const snapshot = await snapshotStage(stage, hasher, params, { outs: false, external });
    const differing = stage.deps
      .filter((dep) => snapshot.deps.get(dep.path)?.id !== options.deps[dep.path])
      .map((dep) => dep.path);
    const key = computeRunCacheKey(stage, snapshot);
    if (differing.length > 0 || key !== options.runCacheKey) {
      return { stage: name, status: 'failed', changes: [], startedAt, durationMs: Date.now() - startedAt, message: mismatchMessage(differing, shared) };
    }
    return await processStage(stage, {
      root: workspace.root,
      cache: options.cache,
      hasher,
      params,
      store: undefined,
      runCache: options.runCache,
      lock: emptyLockfile(),
      commitLock: () => undefined,
      logsDir: options.logsDir,
      external,
      toolDir: options.toolDir,
      env: options.env,
      force: false,
      dryRun: false,
      signal: options.signal,
      reporter: options.reporter ?? {},
      upstreamWouldRun: () => false,
      shared: options.shared,
    });
  } finally {
    if (!options.statCache) await statCache.flush();
    await external.close();
  }
}

/** Why the worker's checkout does not match the submitter's: registry models it resolves otherwise, or files (or the command) that differ. */
function mismatchMessage(differing: readonly string[], sharedRegistry: boolean): string {
  const models = differing.filter(isRegistryReference);
  if (models.length > 0) {
    return `the worker resolves ${models.join(', ')} to another model version than the submitting checkout, or finds none${sharedRegistry ? '' : ' (it has no registry shared with the submitter)'}: the submitter and the workers must share one registry, a team server (server: in .sluice/config.yaml) or one database`;
  }
  const what = differing.length > 0 ? `its deps ${differing.join(', ')} differ` : 'its command, params or environment differ';
  return `the worker's checkout of this commit does not match the submitting checkout (${what}): commit and push the changes, then run again`;
}

/** The deps of `stage` that other stages produce, with their ids as the submitter hashed them. */
function upstreamDeps(stage: Stage, stages: readonly Stage[], ids: Readonly<Record<string, string>>): { id: string; path: string }[] {
  return stage.deps
    .filter((dep) => ids[dep.path] !== undefined && stages.some((other) => other !== stage && other.outs.some((out) => pathsOverlap(out.path, dep.path))))
    .map((dep) => ({ id: ids[dep.path]!, path: dep.path }));
}

/** Deps that other stages produce come from the shared cache, as the submitter hashed them. */
function materializeUpstreamOuts(root: string, stage: Stage, stages: readonly Stage[], options: WorkerStageOptions): void {
  for (const { id, path } of upstreamDeps(stage, stages, options.deps)) {
    if (options.cache.has(id)) options.cache.checkout(id, join(root, path), { shared: true, mode: 0o644 });
  }
}

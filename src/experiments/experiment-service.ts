/**
 * Sweeps of experiments: planning one from `-S` overrides (grid or seeded random sample), running
 * it through an {@link ExperimentExecutor}, the table of a sweep's runs (params against metrics,
 * sorted by a metric), and applying one experiment's params and outputs to the workspace.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError, writeFileAtomic } from '../core/index.js';
import type { ObjectCache } from '../cache/index.js';
import { DEFAULT_PARAMS_FILE, loadPipeline, parseLockfile } from '../pipeline/index.js';
import type { Run, TrackingService } from '../tracking/index.js';
import type { Workspace } from '../workspace/index.js';
import { experimentNotApplicable, experimentNotFound, noExperiments, sweepTooLarge } from './errors.js';
import { applyOverrides, gridOf, gridSize, MAX_SWEEP_SIZE, overridesConflict, parseOverrides, sampleGrid, type ParamOverride } from './overrides.js';
import { EXPERIMENT_TAGS, type ExperimentSpec } from './run-experiment.js';

/** How to plan a sweep. */
export interface SweepPlanOptions {
  /** `-S` flags. */
  readonly set: readonly string[];
  /** Run this many combinations drawn at random instead of the whole grid. */
  readonly random?: number | undefined;
  readonly seed?: number | undefined;
  /** The sweep's name and its runs' prefix (default `exp-<6 hex>`). */
  readonly name?: string | undefined;
}

/** The experiments of a sweep, named `<sweep>-1`, `<sweep>-2`, … in grid order. */
export function planSweep(root: string, options: SweepPlanOptions): ExperimentSpec[] {
  // A pipeline that cannot be read fails every experiment the same way: said once, at its line.
  loadPipeline(root);
  const axes = parseOverrides(options.set, root);
  // Bounded before sampling: a count in the millions would be drawn only to be refused.
  if (options.random !== undefined && Math.min(options.random, gridSize(axes)) > MAX_SWEEP_SIZE) throw sweepTooLarge({ size: Math.min(options.random, gridSize(axes)), limit: MAX_SWEEP_SIZE });
  const chosen = options.random === undefined ? gridOf(axes) : sampleGrid(axes, options.random, options.seed ?? 0);
  if (chosen.length > MAX_SWEEP_SIZE) throw sweepTooLarge({ size: chosen.length, limit: MAX_SWEEP_SIZE });
  const sweep = options.name ?? `exp-${randomBytes(3).toString('hex')}`;
  return chosen.map((overrides, index) => ({ sweep, name: `${sweep}-${index + 1}`, overrides }));
}

/** One experiment in the table. */
export interface ExperimentRow {
  readonly runId: string;
  readonly name: string;
  readonly sweep: string;
  readonly status: string;
  /** Overridden params as recorded on the run. */
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A sweep's runs: the overridden params and the metrics as columns. */
export interface SweepTable {
  /** The sweep shown; undefined with `all`. */
  readonly sweep: string | undefined;
  readonly paramKeys: readonly string[];
  readonly metricKeys: readonly string[];
  readonly rows: readonly ExperimentRow[];
}

/** How to list experiments. */
export interface SweepTableOptions {
  /** The sweep (default: the one most recently run). */
  readonly sweep?: string | undefined;
  /** Every experiment of the workspace, of all sweeps. */
  readonly all?: boolean | undefined;
  /** A metric to sort by; runs without it come last. */
  readonly sortBy?: string | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
}

const KIND_FILTER = "tags.`sluice.kind` = 'experiment'";

function tag(run: Run, key: string): string | undefined {
  return run.data.tags.find((candidate) => candidate.key === key)?.value;
}

function overridesOf(run: Run): ParamOverride[] {
  try {
    return JSON.parse(tag(run, EXPERIMENT_TAGS.overrides) ?? '[]') as ParamOverride[];
  } catch {
    return [];
  }
}

/** The tracking param name of an override (as pipeline runs record params). */
function paramName(override: ParamOverride): string {
  return override.file === DEFAULT_PARAMS_FILE ? override.key : `${override.file}:${override.key}`;
}

async function experimentRuns(tracking: TrackingService, workspace: Workspace, filter: string, orderBy: readonly string[]): Promise<Run[]> {
  let experimentId: string;
  try {
    experimentId = (await tracking.getExperimentByName(workspace.experimentName)).experimentId;
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') return [];
    throw error;
  }
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracking.searchRuns({ experimentIds: [experimentId], filter, orderBy, maxResults: 1000, pageToken });
    runs.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && runs.length < 100_000);
  return runs;
}

/** The table `sluice exp show` prints. */
export async function sweepTable(tracking: TrackingService, workspace: Workspace, options: SweepTableOptions = {}): Promise<SweepTable> {
  let sweep = options.all ? undefined : options.sweep;
  if (!options.all && sweep === undefined) {
    const [latest] = await experimentRuns(tracking, workspace, KIND_FILTER, ['start_time DESC']);
    if (!latest) throw noExperiments({});
    sweep = tag(latest, EXPERIMENT_TAGS.sweep);
  }
  const filter = sweep === undefined ? KIND_FILTER : `${KIND_FILTER} and tags.\`${EXPERIMENT_TAGS.sweep}\` = '${sweep.replace(/'/g, "\\'")}'`;
  const orderBy = options.sortBy ? [`metrics.\`${options.sortBy}\` ${(options.order ?? 'asc').toUpperCase()}`] : ['attributes.run_name ASC'];
  const runs = await experimentRuns(tracking, workspace, filter, orderBy);
  if (runs.length === 0) throw noExperiments(sweep === undefined ? {} : { sweep });
  const paramKeys = [...new Set(runs.flatMap((run) => overridesOf(run).map(paramName)))];
  const metricKeys = [...new Set(runs.flatMap((run) => run.data.metrics.map((metric) => metric.key)))].sort();
  const rows = runs.map((run) => ({
    runId: run.info.runId,
    name: run.info.runName,
    sweep: tag(run, EXPERIMENT_TAGS.sweep) ?? '',
    status: run.info.status,
    params: Object.fromEntries(run.data.params.filter((param) => paramKeys.includes(param.key)).map((param) => [param.key, param.value])),
    metrics: Object.fromEntries(run.data.metrics.map((metric) => [metric.key, metric.value])),
  }));
  return { sweep, paramKeys, metricKeys, rows };
}

/** What `sluice exp apply` changed. */
export interface AppliedExperiment {
  readonly runId: string;
  readonly name: string;
  readonly overrides: readonly ParamOverride[];
  /** Outputs checked out from the cache. */
  readonly restored: readonly string[];
}

/**
 * Brings experiment `id` (a run id, its first 8+ characters, or its name) into the workspace: its
 * params overrides into the params files, its sluice.lock, and its outputs from the cache. Nothing
 * is written unless every output is in the cache.
 */
export async function applyExperiment(tracking: TrackingService, workspace: Workspace, cache: ObjectCache, id: string): Promise<AppliedExperiment> {
  const runs = await experimentRuns(tracking, workspace, KIND_FILTER, ['start_time DESC']);
  const run = runs.find((candidate) => candidate.info.runId === id) ?? runs.find((candidate) => candidate.info.runName === id) ?? (id.length >= 8 ? runs.find((candidate) => candidate.info.runId.startsWith(id)) : undefined);
  if (!run) throw experimentNotFound({ id });
  if (run.info.status !== 'FINISHED') throw experimentNotApplicable({ id, reason: `it ended ${run.info.status}` });
  const lockId = tag(run, EXPERIMENT_TAGS.lock);
  if (!lockId || !cache.has(lockId)) throw experimentNotApplicable({ id, reason: 'its sluice.lock is not in the cache' });
  const lockText = readFileSync(cache.objectPath(lockId), 'utf8');
  const lock = parseLockfile(lockText);
  const outs = Object.values(lock.stages).flatMap((stage) => stage.outs ?? []);
  const missing = outs.filter((out) => !cache.has(out.hash)).map((out) => out.path);
  if (missing.length > 0) throw experimentNotApplicable({ id, reason: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the cache` });
  const overrides = overridesOf(run);
  // Checked before anything is written: the workspace is changed whole or not at all.
  const conflict = overridesConflict(workspace.root, overrides);
  if (conflict) throw experimentNotApplicable({ id, reason: `its params cannot be set: ${conflict}`, blockedBy: 'params' });
  applyOverrides(workspace.root, overrides);
  writeFileAtomic(workspace.paths.lockFile, lockText);
  for (const out of outs) cache.checkout(out.hash, join(workspace.root, out.path), { shared: false, mode: out.isexec ? 0o755 : 0o644 });
  return { runId: run.info.runId, name: run.info.runName, overrides, restored: outs.map((out) => out.path) };
}

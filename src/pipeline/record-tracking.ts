/**
 * Every `sluice run` recorded as tracking runs: one run per pipeline run (same id), in the
 * workspace's experiment, with the git state, the params used and the metrics at the end; and a
 * nested run per stage that did work (ran or restored), with its params, its deps as data inputs
 * and its outs as outputs, all by content hash. That is what lineage joins on: a registered
 * model's hash finds the stage run that produced it, whose inputs find the stages before it.
 */
import type { GitState } from '../core/index.js';
import { isDirectoryId, type ManifestEntry } from '../cache/index.js';
import { SYSTEM_TAGS, type Metric, type Run, type Tag, type TrackingService } from '../tracking/index.js';
import type { WorkspaceRuns, WorkspaceServices } from '../workspace/index.js';
import type { MetricsFile } from './metrics.js';
import type { StageOutcome } from './outcome.js';
import { flattenParams } from './params.js';

/** Stage statuses that produced (or put back) the stage's outs, and so deserve a run of their own. */
const RECORDED_STATUSES = new Set(['ran', 'restored', 'restored-run-cache', 'failed', 'interrupted']);

export interface PipelineRunStart {
  readonly runId: string;
  readonly git: GitState;
  readonly command: string;
  /** Kind, name and extra tags of the run, when not an ordinary pipeline run. */
  readonly record?: PipelineRunRecord | undefined;
}

/** How a pipeline run is recorded: experiments are pipeline runs of kind `experiment`, named and tagged by their sweep. */
export interface PipelineRunRecord {
  /** `sluice.kind` (default `pipeline`). */
  readonly kind?: string;
  /** The run name (default `pipeline-<first 8 characters of the id>`). */
  readonly name?: string;
  /** Tags set when the run starts. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Param values by file then key → flat tracking params (`train.C`, or `other.yaml:train.C` outside params.yaml). */
export function trackingParams(values: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Tag[] {
  const params: Tag[] = [];
  for (const [file, entries] of Object.entries(values)) {
    for (const [key, value] of Object.entries(flattenParams(entries))) {
      params.push({ key: file === 'params.yaml' ? key : `${file}:${key}`, value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  }
  return params.filter((param) => param.key.length <= 250 && param.value.length <= 6000);
}

/**
 * Numbers (and booleans, as 0/1) of metrics files → tracking metrics under the names the files
 * give them (`r2`, `test.rmse`), so MLflow-style filters (`metrics.r2 > 0.3`) find pipeline runs
 * as they find any run; `sluice.metrics_file` names the files. A key an earlier file (in
 * definition order) already gave keeps its bare name there, and is prefixed in each later file by
 * that file's stem (`eval.r2`), or by its path without extension when several files share the
 * stem (`b/metrics.r2`).
 */
export function trackingMetrics(files: readonly MetricsFile[], timestamp: number): Metric[] {
  const stems = files.map((file) => file.path.replace(/^.*\//, '').replace(/\.[^.]+$/, ''));
  const seen = new Set<string>();
  const metrics: Metric[] = [];
  files.forEach((file, index) => {
    const prefix = stems.filter((stem) => stem === stems[index]).length > 1 ? file.path.replace(/\.[^.]+$/, '') : stems[index]!;
    const own = new Set<string>();
    for (const [key, value] of Object.entries(file.values ?? {})) {
      const number = typeof value === 'boolean' ? Number(value) : value;
      if (typeof number !== 'number') continue;
      metrics.push({ key: seen.has(key) ? `${prefix}.${key}` : key, value: number, timestamp, step: 0 });
      own.add(key);
    }
    for (const key of own) seen.add(key);
  });
  return metrics.filter((metric) => /^[/\w.\- :]{1,250}$/.test(metric.key));
}

/** The `sluice.metrics_file` tag: the metrics files read, in definition order (undefined for none). */
export function metricsFileTag(files: readonly MetricsFile[]): string | undefined {
  const paths = files.filter((file) => file.values !== undefined).map((file) => file.path);
  return paths.length === 0 ? undefined : paths.join(', ').slice(0, 5000);
}

const METRICS_FILE_TAG = 'sluice.metrics_file';

function withMetricsFile(metrics: readonly MetricsFile[]): Record<string, string> {
  const files = metricsFileTag(metrics);
  return files ? { [METRICS_FILE_TAG]: files } : {};
}

export class PipelineTracking {
  private constructor(
    private readonly runs: WorkspaceRuns,
    private readonly tracking: TrackingService,
    /** The pipeline's run as created: every stage's run nests under it without reading it again. */
    private readonly run: Run,
    private readonly git: GitState,
  ) {}

  private get runId(): string {
    return this.run.info.runId;
  }

  static async start(services: Pick<WorkspaceServices, 'runs' | 'tracking'>, start: PipelineRunStart): Promise<PipelineTracking> {
    const run = await services.runs.start({
      kind: start.record?.kind ?? 'pipeline',
      runId: start.runId,
      name: start.record?.name ?? `pipeline-${start.runId.slice(0, 8)}`,
      source: 'sluice.yaml',
      nested: false,
      git: start.git,
      tags: { ...start.record?.tags, [SYSTEM_TAGS.pipelineRunId]: start.runId, [SYSTEM_TAGS.command]: start.command.slice(0, 8000) },
    });
    return new PipelineTracking(services.runs, services.tracking, run, start.git);
  }

  /**
   * A nested run for a stage that did work: params, deps as inputs, outs as outputs, its metrics.
   * A directory out is also recorded file by file (from its manifest), so a later stage that
   * reads one file of it finds this stage by that file's hash.
   */
  async recordStage(outcome: StageOutcome, metrics: readonly MetricsFile[], readManifest: (id: string) => readonly ManifestEntry[]): Promise<void> {
    if (!RECORDED_STATUSES.has(outcome.status)) return;
    const lock = outcome.lock;
    const run = await this.runs.start({
      kind: 'stage',
      name: outcome.stage,
      source: 'sluice.yaml',
      parentRunId: this.runId,
      parent: this.run,
      git: this.git,
      startTime: outcome.startedAt,
      tags: {
        [SYSTEM_TAGS.pipelineRunId]: this.runId,
        [SYSTEM_TAGS.stage]: outcome.stage,
        'sluice.stage_status': outcome.status,
        ...withMetricsFile(metrics),
      },
    });
    const runId = run.info.runId;
    await this.runs.logParams(runId, trackingParams(lock?.params ?? {}));
    await this.runs.logMetrics(runId, trackingMetrics(metrics, outcome.startedAt + outcome.durationMs));
    await this.runs.logInputs(
      runId,
      (lock?.deps ?? []).map((dep) => ({
        dataset: { name: dep.path, digest: dep.hash, sourceType: 'workspace', source: JSON.stringify({ path: dep.path, size: dep.size }) },
        tags: [{ key: 'mlflow.data.context', value: 'input' }],
      })),
    );
    if (lock?.outs?.length && outcome.status !== 'failed' && outcome.status !== 'interrupted') {
      const outputs = lock.outs.flatMap((out) => {
        const own = { path: out.path, objectId: out.hash, size: out.size };
        if (!isDirectoryId(out.hash)) return [own];
        let entries: readonly ManifestEntry[] = [];
        try {
          entries = readManifest(out.hash);
        } catch {
          // The manifest is not in this cache (a shared run cache): the directory itself is still recorded.
        }
        return [own, ...entries.map((entry) => ({ path: `${out.path.replace(/\/+$/, '')}/${entry.path}`, objectId: entry.hash, size: entry.size }))];
      });
      for (let start = 0; start < outputs.length; start += 500) await this.tracking.logOutputs(runId, outputs.slice(start, start + 500));
    }
    const status = outcome.status === 'failed' ? 'FAILED' : outcome.status === 'interrupted' ? 'KILLED' : 'FINISHED';
    await this.runs.end(runId, status, outcome.startedAt + Math.round(outcome.durationMs));
  }

  /** Closes the pipeline's run with the params it used and the metrics it left. */
  async finish(status: 'succeeded' | 'failed' | 'interrupted', params: Readonly<Record<string, Readonly<Record<string, unknown>>>>, metrics: readonly MetricsFile[]): Promise<void> {
    await this.runs.logParams(this.runId, trackingParams(params));
    await this.runs.logMetrics(this.runId, trackingMetrics(metrics, Date.now()));
    const files = metricsFileTag(metrics);
    if (files) await this.tracking.setTag(this.runId, METRICS_FILE_TAG, files);
    await this.tracking.setTag(this.runId, 'sluice.pipeline_status', status);
    await this.runs.end(this.runId, status === 'succeeded' ? 'FINISHED' : status === 'failed' ? 'FAILED' : 'KILLED');
  }

  /** Marks the tracking run of a pipeline run whose process died as KILLED. */
  static async markInterrupted(tracking: TrackingService, runId: string): Promise<void> {
    const run = await tracking.getRun(runId).catch(() => undefined);
    if (run?.info.status !== 'RUNNING') return;
    // Stage runs the dead process had begun are closed with it.
    const children = await tracking.searchRuns({ experimentIds: [run.info.experimentId], filter: `tags.\`${SYSTEM_TAGS.parentRunId}\` = '${runId}' and attributes.status = 'RUNNING'`, maxResults: 1000 });
    for (const child of children.items) await tracking.endRun(child.info.runId, 'KILLED');
    await tracking.setTag(runId, 'sluice.pipeline_status', 'interrupted');
    await tracking.endRun(runId, 'KILLED');
  }
}


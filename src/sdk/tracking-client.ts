/**
 * Sluice's tracking API for TypeScript and JavaScript programs: log params, metrics, tags,
 * data inputs and artifacts to runs, search them, and read them back, on the same store the
 * CLI and the server use (the workspace's SQLite, or SLUICE_DATABASE_URL).
 *
 * @example
 * import { Tracking } from 'sluice';
 * const tracking = await Tracking.open();
 * const run = await tracking.startRun({ experiment: 'churn', name: 'gbdt-depth-6' });
 * await run.logParams({ algorithm: 'gbdt', max_depth: 6 });
 * await run.logMetric('auc', 0.97);
 * await run.logArtifact('model.onnx');
 * await run.end();
 * await tracking.close();
 */
import { statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { Metric, Page, Run, RunStatus, ViewType } from '../tracking/index.js';
import { findWorkspaceRoot, openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../workspace/index.js';

export interface OpenOptions {
  /** The repository whose store and artifacts to use; default: the one around the current directory. */
  readonly root?: string;
  /** Environment overrides (SLUICE_DATABASE_URL, SLUICE_ARTIFACTS); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface StartRunOptions {
  /** Experiment name, created if missing; default the workspace's experiment. */
  readonly experiment?: string;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Nest under this run (MLflow's `mlflow.parentRunId`). */
  readonly parentRunId?: string;
}

type ParamValue = string | number | boolean | null;

/** One run being logged to. Methods validate as the server does and fail with clear errors. */
export class ActiveRun {
  constructor(
    private readonly services: WorkspaceServices,
    readonly id: string,
    readonly artifactUri: string,
  ) {}

  async logParam(key: string, value: ParamValue): Promise<void> {
    await this.services.tracking.logParam(this.id, key, String(value));
  }

  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    await this.services.runs.logParams(this.id, Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])));
  }

  async logMetric(key: string, value: number, options: { step?: number; timestamp?: number } = {}): Promise<void> {
    await this.services.tracking.logMetric(this.id, { key, value, step: options.step, timestamp: options.timestamp });
  }

  async logMetrics(metrics: Readonly<Record<string, number>>, options: { step?: number } = {}): Promise<void> {
    const now = Date.now();
    await this.services.runs.logMetrics(this.id, Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: options.step ?? 0 })));
  }

  async setTag(key: string, value: string): Promise<void> {
    await this.services.tracking.setTag(this.id, key, value);
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    await this.services.tracking.logBatch(this.id, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  }

  /** Records a data file the run read, by its content hash (how lineage finds it). */
  async logInput(path: string, options: { context?: string } = {}): Promise<void> {
    await this.services.runs.logFiles(this.id, [{ path, context: options.context ?? 'training' }]);
  }

  /** Stores a local file (or directory) as an artifact of the run, at `artifactPath` (default: its name). */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const root = this.artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/+/, '');
    const target = `${root}/${artifactPath ?? basename(localPath)}`;
    if (statSync(localPath).isDirectory()) await this.services.artifacts.writeDirectory(target, localPath);
    else await this.services.artifacts.writeFile(target, localPath);
  }

  /** Ends the run (FINISHED unless told otherwise). */
  async end(status: RunStatus = 'FINISHED'): Promise<void> {
    await this.services.tracking.endRun(this.id, status);
  }

  /** The run as stored now. */
  get(): Promise<Run> {
    return this.services.tracking.getRun(this.id);
  }
}

export class Tracking {
  private constructor(private readonly services: WorkspaceServices) {}

  /** Opens tracking on a workspace's store and artifact store. */
  static async open(options: OpenOptions = {}): Promise<Tracking> {
    const root = options.root ? resolve(options.root) : findWorkspaceRoot(process.cwd());
    return new Tracking(await openWorkspaceServices(openWorkspace(root, options.env ?? process.env)));
  }

  /** Starts a run; end it with `run.end()` (or use {@link withRun}). */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const { runs, workspace } = this.services;
    const run = await runs.start({
      name: options.name,
      experiment: options.experiment,
      source: process.argv[1] ? relative(workspace.root, process.argv[1]) : 'node',
      parentRunId: options.parentRunId,
      tags: options.tags,
    });
    return new ActiveRun(this.services, run.info.runId, run.info.artifactUri);
  }

  /** Runs `work` in a new run, ended FINISHED when it resolves and FAILED when it throws. */
  async withRun<T>(options: StartRunOptions, work: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    try {
      const result = await work(run);
      await run.end('FINISHED');
      return result;
    } catch (error) {
      await run.end('FAILED');
      throw error;
    }
  }

  getRun(runId: string): Promise<Run> {
    return this.services.tracking.getRun(runId);
  }

  /** Runs matching MLflow's filter language, in pages. */
  async searchRuns(options: { experiments?: readonly string[]; filter?: string; orderBy?: readonly string[]; maxResults?: number; pageToken?: string; viewType?: ViewType } = {}): Promise<Page<Run>> {
    const { tracking, workspace } = this.services;
    const ids = await tracking.experimentIdsOf(options.experiments ?? [workspace.experimentName], { missing: 'skip' });
    if (ids.length === 0) return { items: [], nextPageToken: undefined };
    return tracking.searchRuns({ experimentIds: ids, filter: options.filter, orderBy: options.orderBy, maxResults: options.maxResults, pageToken: options.pageToken, viewType: options.viewType });
  }

  /** Every point of a metric. */
  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    const points: Metric[] = [];
    let token: string | undefined;
    do {
      const page = await this.services.tracking.getMetricHistory(runId, key, { pageToken: token });
      points.push(...page.items);
      token = page.nextPageToken;
    } while (token);
    return points;
  }

  async close(): Promise<void> {
    await this.services.close();
  }
}

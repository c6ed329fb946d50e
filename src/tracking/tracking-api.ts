/**
 * The tracking service's interface: what the CLI, the HTTP API, the pipeline, the SDK and the
 * registry call to record and read runs. MLflow's rules (param immutability, key limits, batch
 * sizes, lifecycle states) hold behind every method, so a run logged any way reads the same.
 */
import type { Batch } from './store/tracking-store.js';
import type { DatasetInput, Experiment, Metric, Page, Run, RunInfo, RunOutput, RunStatus, Tag, ViewType } from './entities.js';

export interface SearchOptions {
  readonly filter?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  readonly viewType?: ViewType | undefined;
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export interface NewRun {
  /** A caller-chosen id (a pipeline run's); otherwise a new uuid. */
  readonly runId?: string | undefined;
  readonly experimentId?: string | undefined;
  readonly userId?: string | undefined;
  readonly runName?: string | undefined;
  readonly startTime?: number | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

export interface TrackingService {
  /** Creates the `Default` experiment (id 0) if it is missing, as MLflow's server does. */
  ensureDefaultExperiment(): Promise<Experiment>;
  /** Fails with SLUICE_TRACKING_EXPERIMENT_EXISTS when the name is taken. */
  createExperiment(input: { name: string; artifactLocation?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<Experiment>;
  /** Fails with SLUICE_TRACKING_EXPERIMENT_NOT_FOUND. */
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment>;
  getOrCreateExperiment(name: string): Promise<Experiment>;
  /** Ids of experiments named by name or id; a missing name is left out (`skip`) or an error (`fail`). */
  experimentIdsOf(namesOrIds: readonly string[], options: { readonly missing: 'skip' | 'fail' }): Promise<string[]>;
  searchExperiments(options?: SearchOptions): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input?: NewRun): Promise<Run>;
  /** A full run id from an id or a unique prefix of one (at least 4 characters). */
  resolveRunId(idOrPrefix: string): Promise<string>;
  /** Fails with SLUICE_TRACKING_RUN_NOT_FOUND. */
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, patch: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined }): Promise<RunInfo>;
  endRun(runId: string, status?: RunStatus): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /**
   * Soft-deletes (`deleted`) or restores (`active`) a run with the runs nested under it (a
   * pipeline run's stage, eval and gate runs), as `sluice runs delete|restore` do; returns the
   * ids changed, the run itself first.
   */
  /** The number of active runs in each experiment (`sluice experiments list`), in one query. */
  countActiveRuns(experimentIds: readonly string[]): Promise<Map<string, number>>;
  setRunTreeLifecycle(runId: string, stage: 'deleted' | 'active'): Promise<string[]>;

  /** Params, metrics and tags of one run, within MLflow's batch limits. */
  logBatch(runId: string, batch: Partial<Batch>): Promise<void>;
  logMetric(runId: string, metric: { key: string; value: number; timestamp?: number | undefined; step?: number | undefined }): Promise<void>;
  /** A param is set once; a different value fails with SLUICE_TRACKING_PARAM_CHANGED. */
  logParam(runId: string, key: string, value: string): Promise<void>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Data sets a run read, by content digest. */
  logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void>;
  /** Files a run produced (pipeline outs), so a registered model can find its run by hash. */
  logOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void>;

  /** Runs that produced a file with this content, newest first. */
  findRunsByOutput(objectId: string, limit?: number): Promise<{ readonly runId: string; readonly path: string }[]>;
  /** Runs that read a data set with this content digest, newest first. */
  findRunsByDatasetDigest(digest: string, limit?: number): Promise<RunInfo[]>;
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number | undefined; pageToken?: string | undefined }): Promise<Page<Metric>>;
  /** MLflow's filter language and ordering, paged; `topLevelOnly` (Sluice's) leaves out nested runs. */
  searchRuns(options: SearchOptions & { experimentIds: readonly string[]; topLevelOnly?: boolean }): Promise<Page<Run>>;
}

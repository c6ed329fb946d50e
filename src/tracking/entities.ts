/**
 * Tracking's nouns, in MLflow's vocabulary: plain readonly data handed out by the tracking
 * store, never database rows. The HTTP adapter maps them to MLflow's wire shapes.
 */

export type LifecycleStage = 'active' | 'deleted';

/** Run states, as MLflow names them. */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Which runs or experiments a search sees, by lifecycle stage. */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface Param {
  readonly key: string;
  readonly value: string;
}

/** One logged point of a metric. `value` may be NaN or ±Infinity. */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly step: number;
}

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly Tag[];
}

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | undefined;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

/** A data set a run read, identified by its content digest (Sluice: the BLAKE3 object id). */
export interface Dataset {
  readonly name: string;
  readonly digest: string;
  /** e.g. `local`, `s3`, `sluice` (a workspace path). */
  readonly sourceType: string;
  /** JSON text saying where the data came from, e.g. `{"uri": "data/train.csv"}`. */
  readonly source: string;
  readonly schema?: string | undefined;
  readonly profile?: string | undefined;
}

export interface DatasetInput {
  readonly dataset: Dataset;
  /** e.g. `mlflow.data.context` → `training`. */
  readonly tags: readonly Tag[];
}

/** A file a run produced (a pipeline out), by content hash. */
export interface RunOutput {
  readonly path: string;
  readonly objectId: string;
  readonly size: number;
}

export interface RunData {
  /** The latest point of each metric. */
  readonly metrics: readonly Metric[];
  readonly params: readonly Param[];
  readonly tags: readonly Tag[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: readonly DatasetInput[];
  readonly outputs: readonly RunOutput[];
}

/** A page of results and the token for the next one (absent on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | undefined;
}

/** An artifact's directory entry, as MLflow lists them. */
export interface ArtifactEntry {
  /** Relative to the listed root. */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize: number | undefined;
}

/** Tags Sluice and MLflow clients agree on. */
export const SYSTEM_TAGS = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  parentRunId: 'mlflow.parentRunId',
  gitDirty: 'sluice.git.dirty',
  pipelineRunId: 'sluice.pipeline_run_id',
  stage: 'sluice.stage',
  command: 'sluice.command',
} as const;

/**
 * The tracking store's contract: persistence of experiments, runs and the artifact index, with
 * no policy. Validation, defaults and MLflow's rules live in the tracking service above it; one
 * Kysely implementation serves SQLite and PostgreSQL.
 */
import type { FilterClause, OrderClause } from '../search/index.js';
import type { ArtifactEntry, DatasetInput, Experiment, LifecycleStage, Metric, Param, Run, RunInfo, RunOutput, RunStatus, Tag, ViewType } from '../entities.js';

export interface SearchQuery {
  readonly clauses: readonly FilterClause[];
  readonly order: readonly OrderClause[];
  readonly viewType: ViewType;
  /** Rows to return (the service asks for one more than a page to know if another follows). */
  readonly limit: number;
  readonly offset: number;
}

export interface RunSearchQuery extends SearchQuery {
  readonly experimentIds: readonly string[];
  /** Leave out runs with a parent (`mlflow.parentRunId`). */
  readonly topLevelOnly?: boolean;
}

export interface NewExperiment {
  readonly name: string;
  /** The artifact location, given the id the store chose (`mlflow-artifacts:/<id>`). */
  readonly artifactLocation: (experimentId: string) => string;
  readonly tags: readonly Tag[];
  readonly now: number;
  /** A fixed id (the Default experiment's `0`); otherwise the next integer. */
  readonly experimentId?: string;
}

/** What one log-batch call writes; params and tags are unique by key within it. */
export interface Batch {
  readonly metrics: readonly Metric[];
  readonly params: readonly Param[];
  readonly tags: readonly Tag[];
}

/** A param already logged with another value. */
export interface ParamConflict {
  readonly key: string;
  readonly oldValue: string;
  readonly newValue: string;
}

export interface StoredArtifact {
  readonly path: string;
  readonly objectId: string;
  readonly size: number;
  readonly createdAt: number;
}

export interface TrackingStore {
  /** Creates an experiment and returns it. Fails with `SLUICE_TRACKING_EXPERIMENT_EXISTS` if the name is taken. */
  createExperiment(experiment: NewExperiment): Promise<Experiment>;
  getExperiment(experimentId: string): Promise<Experiment | undefined>;
  /** The experiment of that name; the active one if a deleted one shares it. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** Experiments matching the query, in its order. */
  searchExperiments(query: SearchQuery): Promise<Experiment[]>;
  /** The number of active runs in each experiment (0 for one with none), in one query. */
  countActiveRuns(experimentIds: readonly string[]): Promise<Map<string, number>>;
  /** Renames; fails with `SLUICE_TRACKING_EXPERIMENT_EXISTS` if the new name is taken. */
  renameExperiment(experimentId: string, name: string, now: number): Promise<void>;
  /** Deletes or restores an experiment and, with it, all its runs. */
  setExperimentLifecycle(experimentId: string, stage: LifecycleStage, now: number): Promise<void>;
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;
  /** Whether the tag existed. */
  deleteExperimentTag(experimentId: string, key: string): Promise<boolean>;

  /** Stores a new run with its initial tags. */
  createRun(info: RunInfo, tags: readonly Tag[]): Promise<void>;
  getRunInfo(runId: string): Promise<RunInfo | undefined>;
  /** Ids of runs starting with `prefix` (at most `limit`). */
  findRunIdsByPrefix(prefix: string, limit: number): Promise<string[]>;
  /** A run with its latest metrics, params, tags and inputs. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Changes the given fields; a new run name is mirrored in the `mlflow.runName` tag. */
  updateRun(runId: string, patch: { readonly status?: RunStatus; readonly endTime?: number; readonly runName?: string }): Promise<void>;
  setRunLifecycle(runId: string, stage: LifecycleStage, now: number): Promise<void>;
  /**
   * Writes a batch in one transaction: metric points (exact duplicates ignored) and the latest
   * value per key, params (an equal value is a no-op), tags (upserted). If any param exists with
   * another value, nothing is written and the conflicts are returned.
   */
  logBatch(runId: string, batch: Batch): Promise<ParamConflict[]>;
  /** Whether the tag existed. */
  deleteRunTag(runId: string, key: string): Promise<boolean>;
  /** Records data sets a run read, deduplicated by (experiment, name, digest). */
  logInputs(runId: string, experimentId: string, inputs: readonly DatasetInput[]): Promise<void>;
  /** Records files a run produced (replacing an earlier record of the same path). */
  logOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void>;
  /** Runs that produced this object, newest first. */
  findRunsByOutput(objectId: string, limit: number): Promise<{ readonly runId: string; readonly path: string }[]>;
  /** Every point of a metric, by timestamp, step and value. */
  getMetricHistory(runId: string, key: string, page: { readonly limit: number; readonly offset: number }): Promise<Metric[]>;
  /** Full runs matching the query, in its order. */
  searchRuns(query: RunSearchQuery): Promise<Run[]>;
  /** Runs (newest first) that read a data set with this digest. */
  findRunsByDatasetDigest(digest: string, limit: number): Promise<RunInfo[]>;
}

/** Which content-addressed object each artifact path holds. */
export interface ArtifactIndex {
  /** Records (or replaces) which object an artifact path holds. */
  putArtifact(artifact: StoredArtifact): Promise<void>;
  getArtifact(path: string): Promise<StoredArtifact | undefined>;
  /** The direct children of a directory path ('' for the root). */
  listArtifacts(directory: string): Promise<ArtifactEntry[]>;
  /** Removes a file, or a directory and everything under it; returns how many files went. */
  deleteArtifacts(path: string): Promise<number>;
  /** The artifacts whose content is this object (for lineage: which runs logged this file). */
  findArtifactsByObject(objectId: string): Promise<StoredArtifact[]>;
}

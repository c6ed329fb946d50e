/**
 * The metadata store's tables, as Kysely sees them. Rows are storage detail: stores map them to
 * the entities in `entities.ts` and never hand rows to callers.
 *
 * Portable column types only: text, bigint and integer (booleans are 0/1, JSON is text), so one
 * query builder serves SQLite and PostgreSQL. PostgreSQL returns bigint as a string, hence
 * `number | string` on reads.
 */
import type { ColumnType } from 'kysely';

type BigIntColumn = ColumnType<number | string, number, number>;
type NullableBigIntColumn = ColumnType<number | string | null, number | null, number | null>;

export interface PipelineRunsTable {
  id: string;
  started_at: BigIntColumn;
  ended_at: NullableBigIntColumn;
  status: string;
  git_commit: string | null;
  git_branch: string | null;
  git_dirty: number;
  user_name: string;
  command: string;
  /** JSON: params values by file and key. */
  params: string;
  /** JSON: metrics by file and key, read after the run. */
  metrics: string;
}

export interface StageRunsTable {
  run_id: string;
  stage: string;
  status: string;
  started_at: BigIntColumn;
  duration_ms: BigIntColumn;
  run_cache_key: string | null;
  exit_code: number | null;
  /** JSON: locked deps, params and outs after the stage. */
  lock: string;
  log_path: string | null;
  message: string | null;
}

/** No longer written: the stat cache moved to files under `.sluice/tmp/stat-cache` (the table stays, as migrated). */
export interface StatCacheTable {
  workspace: string;
  path: string;
  inode: string;
  size: BigIntColumn;
  mtime_ns: string;
  hash: string;
}

/** No longer written, like {@link StatCacheTable}. */
export interface DirectoryCacheTable {
  workspace: string;
  path: string;
  fingerprint: string;
  object_id: string;
  size: BigIntColumn;
  file_count: BigIntColumn;
}

export interface RunCacheTable {
  key: string;
  stage: string;
  /** JSON: the outs the run produced, as lock entries. */
  outs: string;
  created_at: BigIntColumn;
}

export interface ExperimentsTable {
  experiment_id: string;
  name: string;
  artifact_location: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
  creation_time: BigIntColumn;
  last_update_time: BigIntColumn;
}

export interface KeyValueTable {
  key: string;
  value: string;
}

export interface ExperimentTagsTable extends KeyValueTable {
  experiment_id: string;
}

export interface RunsTable {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  /** RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
  status: string;
  start_time: BigIntColumn;
  end_time: NullableBigIntColumn;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: NullableBigIntColumn;
}

export interface RunParamsTable extends KeyValueTable {
  run_id: string;
  /** The run's start time (never changes), copied so that the key's index holds search's tie-breakers. */
  run_start_time: BigIntColumn;
}

export interface RunTagsTable extends KeyValueTable {
  run_id: string;
  /** The run's start time (never changes), copied so that the key's index holds search's tie-breakers. */
  run_start_time: BigIntColumn;
}

export interface MetricsTable {
  run_id: string;
  key: string;
  step: BigIntColumn;
  timestamp: BigIntColumn;
  /** 0 when `is_nan`: NaN is not storable in every database. */
  value: number;
  is_nan: number;
}

export interface LatestMetricsTable extends MetricsTable {
  /** The run's start time (never changes), copied so that the metric's sort index holds search's tie-breakers. */
  run_start_time: BigIntColumn;
}

export interface DatasetsTable {
  dataset_id: string;
  experiment_id: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface RunInputsTable {
  run_id: string;
  dataset_id: string;
  /** JSON object of input tags. */
  tags: string;
  context: string | null;
}

export interface RunOutputsTable {
  run_id: string;
  path: string;
  object_id: string;
  size: BigIntColumn;
}

export interface ArtifactsTable {
  path: string;
  object_id: string;
  size: BigIntColumn;
  created_at: BigIntColumn;
}

export interface RegisteredModelsTable {
  name: string;
  creation_timestamp: BigIntColumn;
  last_updated_timestamp: BigIntColumn;
  description: string;
  user_id: string;
}

export interface RegisteredModelTagsTable extends KeyValueTable {
  name: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_timestamp: BigIntColumn;
  last_updated_timestamp: BigIntColumn;
  description: string;
  user_id: string;
  current_stage: string;
  source: string;
  run_id: string | null;
  status: string;
  status_message: string | null;
  deleted: ColumnType<number, number | undefined, number>;
  object_id: string | null;
  size_bytes: NullableBigIntColumn;
  signature: string | null;
  lineage: string | null;
}

export interface ModelVersionTagsTable extends KeyValueTable {
  name: string;
  version: number;
}

export interface RegisteredModelAliasesTable {
  name: string;
  alias: string;
  version: number;
}

export interface AuditLogTable {
  id: string;
  at: BigIntColumn;
  actor: string;
  action: string;
  target: string;
  details: string;
  origin: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: BigIntColumn;
  created_by: string;
  revoked_at: NullableBigIntColumn;
}

export interface RolloutsTable {
  id: string;
  environment: string;
  model: string;
  alias: string;
  stable_version: number | null;
  candidate_version: number;
  strategy_kind: string;
  strategy: string;
  phase: string;
  step_index: number;
  step_started_at: BigIntColumn;
  weight: number;
  pause_until: NullableBigIntColumn;
  paused_indefinitely: number;
  pause_reason: string | null;
  promoted_at: NullableBigIntColumn;
  analysis_runs: string;
  message: string;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
  finished_at: NullableBigIntColumn;
  revision: number;
}

export interface EnvironmentsTable {
  name: string;
  model: string;
  stable_version: number | null;
  current_rollout_id: string | null;
  updated_at: BigIntColumn;
}

export interface MonitorPositionsTable {
  environment: string;
  position: string;
  updated_at: BigIntColumn;
  feedback: string | null;
}

export interface MonitorWindowsTable {
  id: string;
  environment: string;
  started_at: BigIntColumn;
  ended_at: BigIntColumn;
  rows: number;
  versions: string;
  closed_at: BigIntColumn;
  log_from: string | null;
  log_to: string | null;
  rescored_at: NullableBigIntColumn;
}

export interface MonitorResultsTable {
  window_id: string;
  check_name: string;
  status: string;
  summary: string;
  check_values: string;
}

export interface MonitorAlertStatesTable {
  environment: string;
  rule: string;
  active: number;
  last_fired_at: NullableBigIntColumn;
}

export interface MonitorAlertsTable {
  id: string;
  environment: string;
  rule: string;
  severity: string;
  window_id: string;
  fired_at: BigIntColumn;
  message: string;
  details: string;
}

/** All tables of the current schema version. */
export interface Database {
  pipeline_runs: PipelineRunsTable;
  stage_runs: StageRunsTable;
  stat_cache: StatCacheTable;
  directory_cache: DirectoryCacheTable;
  run_cache: RunCacheTable;
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  run_params: RunParamsTable;
  run_tags: RunTagsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  run_inputs: RunInputsTable;
  run_outputs: RunOutputsTable;
  artifacts: ArtifactsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
  rollouts: RolloutsTable;
  environments: EnvironmentsTable;
  monitor_positions: MonitorPositionsTable;
  monitor_windows: MonitorWindowsTable;
  monitor_results: MonitorResultsTable;
  monitor_alert_states: MonitorAlertStatesTable;
  monitor_alerts: MonitorAlertsTable;
}

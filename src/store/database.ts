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

export interface StatCacheTable {
  workspace: string;
  path: string;
  inode: string;
  size: BigIntColumn;
  mtime_ns: string;
  hash: string;
}

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

/** All tables of the current schema version. */
export interface Database {
  pipeline_runs: PipelineRunsTable;
  stage_runs: StageRunsTable;
  stat_cache: StatCacheTable;
  directory_cache: DirectoryCacheTable;
  run_cache: RunCacheTable;
}

/**
 * The metadata store's contract. One implementation over Kysely serves SQLite (the embedded
 * default) and PostgreSQL (team scale); `describeStoreContract` tests both against this text.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type {
  NewPipelineRun,
  PipelineRun,
  PipelineRunStatus,
  JsonValue,
  RunCacheEntry,
  StageRun,
} from './entities.js';

/**
 * The open database behind a store, shared with the other domains' stores (tracking, registry),
 * which keep their queries beside their own logic but use the tables migrated here.
 */
export interface StoreConnection {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the database is, for messages (PostgreSQL passwords redacted). */
  readonly location: string;
}

export interface MetadataStore {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';

  /** The connection, for the tracking and registry stores built on the same database. */
  readonly connection: StoreConnection;

  /** Records the start of a pipeline run with status `running`. Fails if the id exists. */
  beginPipelineRun(run: NewPipelineRun): Promise<PipelineRun>;

  /** Sets the final status, end time and metrics of a run. Fails if the run does not exist. */
  finishPipelineRun(id: string, outcome: { status: Exclude<PipelineRunStatus, 'running'>; endedAt: number; metrics: JsonValue }): Promise<void>;

  /** Records (or replaces) how one stage ended in a run. */
  recordStageRun(stageRun: StageRun): Promise<void>;

  /** A pipeline run by id, or undefined. */
  getPipelineRun(id: string): Promise<PipelineRun | undefined>;

  /** Most recent runs first. */
  listPipelineRuns(options?: { limit?: number }): Promise<PipelineRun[]>;

  /** The stage runs of a pipeline run, in the order they were recorded. */
  listStageRuns(runId: string): Promise<StageRun[]>;

  /** The run-cache entry for a key, or undefined. */
  getRunCacheEntry(key: string): Promise<RunCacheEntry | undefined>;

  /** Inserts or replaces the run-cache entry for its key. */
  putRunCacheEntry(entry: RunCacheEntry): Promise<void>;

  /** Releases connections. The store is unusable afterwards. */
  close(): Promise<void>;
}

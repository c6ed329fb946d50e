/**
 * What the metadata store hands out: plain readonly data, never database rows.
 *
 * Payloads owned by other domains (lock entries, run-cache outs) are carried as JSON values; the
 * domain that reads them validates them, since a shared PostgreSQL store may hold rows written by
 * another Sluice version.
 */

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type PipelineRunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** One `sluice run` invocation. */
export interface PipelineRun {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly status: PipelineRunStatus;
  readonly gitCommit: string | undefined;
  readonly gitBranch: string | undefined;
  readonly gitDirty: boolean;
  readonly user: string;
  /** The command line as typed, for the record. */
  readonly command: string;
  readonly params: JsonValue;
  readonly metrics: JsonValue;
}

/** What a new pipeline run starts with. */
export type NewPipelineRun = Omit<PipelineRun, 'endedAt' | 'status' | 'metrics'>;

/** How one stage ended within a pipeline run. */
export interface StageRun {
  readonly runId: string;
  readonly stage: string;
  /** e.g. `ran`, `unchanged`, `restored`, `restored-run-cache`, `failed`, `skipped`. */
  readonly status: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly runCacheKey: string | undefined;
  readonly exitCode: number | undefined;
  /** The stage's lock entry after the stage (deps, params, outs with hashes). */
  readonly lock: JsonValue;
  readonly logPath: string | undefined;
  readonly message: string | undefined;
}

/** A stage execution remembered by its inputs, so that the same inputs restore the same outs. */
export interface RunCacheEntry {
  readonly key: string;
  readonly stage: string;
  readonly outs: JsonValue;
  readonly createdAt: number;
}

/**
 * A finished piece of work as a run, in the terms of what it did: what evaluation and gates hand
 * to whoever records them (the workspace's runs, or nothing outside a workspace).
 */

/** A file a run read or used, by path, recorded by its content hash. */
export interface FileInput {
  readonly path: string;
  /** `mlflow.data.context`: training, evaluation, gate, input. */
  readonly context: string;
}

/** A finished piece of work recorded in one call (what `sluice eval` and `sluice gate` do). */
export interface RunRecord {
  readonly kind: string;
  readonly name: string;
  readonly params: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Data files read. */
  readonly data: readonly FileInput[];
  /** Model files used, by role (candidate, baseline, model): recorded as `sluice.model.<role>.digest`. */
  readonly models?: Readonly<Record<string, string | undefined>> | undefined;
  readonly failed?: boolean | undefined;
}

/** Records a finished piece of work as a run; returns its id. Evaluation and gates are given this. */
export type RecordRun = (record: RunRecord) => Promise<string>;

/**
 * The registry's nouns, in MLflow's vocabulary, with what Sluice adds to a version: the model
 * file's content hash and size, its ONNX signature, and its lineage.
 */
import type { Tag } from '../tracking/index.js';

/** MLflow's deprecated stages, kept for clients that still use them. */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface AliasEntry {
  readonly alias: string;
  readonly version: number;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly userId: string;
  readonly tags: readonly Tag[];
  readonly aliases: readonly AliasEntry[];
  /** The newest version in each stage. */
  readonly latestVersions: readonly ModelVersion[];
}

/** An ONNX model's interface, as read from the file. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** `metadata_props` (e.g. feature_names, classes). */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface TensorSpec {
  readonly name: string;
  /** e.g. `float32`, `string`, `map(int64,tensor(float))`. */
  readonly type: string;
  /** Dimensions; symbolic ones by name (`N`), unknown ones as null. */
  readonly shape: readonly (number | string | null)[] | undefined;
}

/** Where a version came from: the run and pipeline stage that produced it, and what they read. */
export interface Lineage {
  /** The tracking run that produced the file (a pipeline stage's run, or the run it was logged to). */
  readonly runId?: string | undefined;
  readonly pipelineRunId?: string | undefined;
  readonly stage?: string | undefined;
  /** The path of the file in the workspace or the run. */
  readonly path?: string | undefined;
  readonly gitCommit?: string | undefined;
  readonly gitDirty?: boolean | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  /** Data the producing run read, by content hash. */
  readonly data: readonly { readonly name: string; readonly digest: string }[];
  /** The stages upstream of the producer, each with what it read. */
  readonly upstream: readonly UpstreamStage[];
  /** The version that was in production when this one was registered (the gate's baseline). */
  readonly baseline?: { readonly name: string; readonly version: number } | undefined;
}

export interface UpstreamStage {
  readonly stage: string;
  readonly runId: string;
  /** The file of this stage that the downstream stage read. */
  readonly output: string;
  readonly params: Readonly<Record<string, string>>;
  readonly data: readonly { readonly name: string; readonly digest: string }[];
  readonly upstream: readonly UpstreamStage[];
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly userId: string;
  readonly currentStage: ModelStage;
  /** Where the model's files are (`mlflow-artifacts:/…`, `runs:/…`). */
  readonly source: string;
  readonly runId: string | undefined;
  readonly status: 'READY';
  readonly statusMessage: string | undefined;
  readonly tags: readonly Tag[];
  readonly aliases: readonly string[];
  readonly objectId: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly signature: ModelSignature | undefined;
  readonly lineage: Lineage | undefined;
}

/** One registry change, as the audit log keeps it. */
export interface AuditEntry {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Who: a user name, or `token:<name>` for API tokens. */
  readonly actor: string;
  /** e.g. `model_version.create`, `alias.set`. */
  readonly action: string;
  /** e.g. `models:/fraud/3`, `models:/fraud@champion`. */
  readonly target: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** `cli: sluice models alias …` or `http: POST /api/2.0/… from 10.0.0.5`. */
  readonly origin: string;
}

/** Who is acting and from where: written into every audit entry. */
export interface Actor {
  readonly name: string;
  readonly origin: string;
}

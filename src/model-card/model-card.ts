/** A model card (Mitchell et al., "Model Cards for Model Reporting", 2019) as data, before rendering. */
import type { CardFile } from './card-file.js';

export interface CardMetric {
  readonly name: string;
  readonly value: number;
  /** 95 % bootstrap interval. */
  readonly interval?: readonly [number, number] | undefined;
}

export interface ModelCard {
  readonly generatedAt: string;
  readonly details: {
    readonly name: string;
    readonly version: number;
    readonly uri: string;
    readonly aliases: readonly string[];
    readonly description: string;
    readonly hash: string | undefined;
    readonly sizeBytes: number | undefined;
    readonly created: string;
    readonly createdBy: string;
    readonly algorithm: string | undefined;
    readonly task: string | undefined;
    readonly params: Readonly<Record<string, string>>;
    readonly producer: string | undefined;
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
    readonly runId: string | undefined;
    readonly stage: string | undefined;
    readonly commit: string | undefined;
    readonly dirty: boolean | undefined;
    readonly trainedAt: string | undefined;
  };
  /** What people wrote in model-card.yaml; undefined when there is no such file. */
  readonly intendedUse: CardFile | undefined;
  /** Where the intended use is (or would be) written. */
  readonly cardFile: string;
  /** Content hashes of the data the producing run (and its upstream stages) read. */
  readonly trainingData: readonly { readonly name: string; readonly digest: string; readonly stage: string | undefined }[];
  readonly evaluation: {
    readonly data: string;
    readonly digest: string;
    readonly rows: number;
    readonly columns: number;
    readonly missingCells: number;
    readonly target: string;
    /** Rows per label (classification). */
    readonly classBalance: Readonly<Record<string, number>> | undefined;
    readonly bootstrap: number;
    readonly metrics: readonly CardMetric[];
    readonly fairness: readonly { readonly attribute: string; readonly group: string; readonly rows: number; readonly metrics: Readonly<Record<string, number>> }[];
  };
  readonly explanation: { readonly method: string; readonly ranking: readonly { readonly feature: string; readonly meanAbsShap: number }[]; readonly rows: number } | { readonly error: string };
  readonly gate: { readonly verdict: string; readonly runId: string; readonly when: string; readonly failedRules: string | undefined; readonly metrics: Readonly<Record<string, number>> } | undefined;
  readonly audit: readonly { readonly when: string; readonly actor: string; readonly action: string; readonly target: string; readonly details: string; readonly origin: string }[];
}

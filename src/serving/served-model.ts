/**
 * A model loaded for serving: its runtime (onnxruntime, or the verified compiled function for a
 * small graph: `runtime: 'auto'`, the default here), how rows map to its inputs, which output
 * holds its predictions, and the micro-batcher its requests share. Requests hold a reference
 * while they run, so a model swapped out is released only after its last request.
 */
import { basename, extname } from 'node:path';
import { hashFile } from '../core/index.js';
import { choosePredictionOutput, loadOnnxModel, metadataList, type OnnxModel, type RuntimeChoice } from '../inference/index.js';
import { fromOrtOutputs, toOrtFeeds, type FeedPart } from './feed.js';
import { MicroBatcher, type BatcherOptions } from './micro-batcher.js';
import { rowCodecFor, type RowCodec } from './row-codec.js';

export interface LoadedModelSource {
  /** A local ONNX file. */
  readonly path: string;
  /** The registered model's name, when it came from the registry. */
  readonly registeredName?: string | undefined;
  /** The registry version, when it came from the registry. */
  readonly version?: string | undefined;
}

/** How served models load. */
export interface ModelLoadOptions {
  /** `auto` (default): small graphs run compiled once verified against onnxruntime; `onnxruntime`: always onnxruntime. */
  readonly runtime?: RuntimeChoice | undefined;
}

/** Predictions of rows, read from the prediction output. */
export type RowPredictions =
  | { readonly kind: 'probabilities'; readonly classes: readonly string[]; readonly rows: readonly (readonly number[])[] }
  | { readonly kind: 'values'; readonly rows: readonly number[] };

export class ServedModel {
  private references = 0;
  private retired = false;
  private readonly batcher: MicroBatcher;

  private constructor(
    readonly name: string,
    /** The registry version, else the first 12 hex digits of the file's BLAKE3 hash. */
    readonly version: string,
    readonly source: string,
    readonly model: OnnxModel,
    readonly codec: RowCodec,
    readonly prediction: { readonly output: string; readonly kind: 'probabilities' | 'values'; readonly classes: readonly string[] },
    readonly loadSeconds: number,
    batching: BatcherOptions,
  ) {
    const onBatch = batching.onBatch;
    this.batcher = new MicroBatcher(async (part) => fromOrtOutputs(await this.model.run(toOrtFeeds(part)), part.rows), {
      ...batching,
      ...(onBatch ? { onBatch: (rows: number, requests: number) => onBatch(rows, requests, name) } : {}),
    });
  }

  static async load(name: string, source: string, loaded: LoadedModelSource, batching: BatcherOptions, options: ModelLoadOptions = {}): Promise<ServedModel> {
    const started = performance.now();
    const model = await loadOnnxModel(loaded.path, { runtime: options.runtime ?? 'auto' });
    try {
      const version = loaded.version ?? (await hashFile(loaded.path)).replace(/^blake3:/, '').slice(0, 12);
      const { output, kind } = choosePredictionOutput(model, name);
      const width = typeof output.shape[1] === 'number' ? output.shape[1] : undefined;
      const classes = metadataList(model.metadata, 'classes') ?? Array.from({ length: width ?? 0 }, (_, k) => String(k));
      return new ServedModel(name, version, source, model, rowCodecFor(model, name), { output: output.name, kind, classes }, (performance.now() - started) / 1000, batching);
    } catch (error) {
      // A model that cannot be served (no usable output, say) is retried by a server following an
      // alias every few seconds: its session must not outlive the attempt.
      await model.release().catch(() => undefined);
      throw error;
    }
  }

  /** The name a model is served under when none is given: the registered name, else the file's stem. */
  static defaultName(loaded: LoadedModelSource): string {
    return loaded.registeredName ?? basename(loaded.path, extname(loaded.path));
  }

  /** Runs rows through the model (batched with other requests); every tensor output comes back. */
  async infer(part: FeedPart): Promise<FeedPart> {
    this.references++;
    try {
      return await this.batcher.infer(part);
    } finally {
      this.references--;
      if (this.retired && this.references === 0) void this.model.release().catch(() => undefined);
    }
  }

  /** Predictions of the rows of an output part. */
  predictionsOf(output: FeedPart): RowPredictions {
    const tensor = output.tensors[this.prediction.output]!;
    const data = tensor.data as Float32Array | Float64Array;
    if (this.prediction.kind === 'values') return { kind: 'values', rows: Array.from(data) };
    const width = tensor.rowShape[0] ?? 1;
    const rows: number[][] = [];
    for (let row = 0; row < output.rows; row++) rows.push(Array.from(data.subarray(row * width, (row + 1) * width)));
    const classes = this.prediction.classes.length === width ? this.prediction.classes : rows[0]?.map((_, k) => String(k)) ?? [];
    return { kind: 'probabilities', classes, rows };
  }

  /** Stops serving: the session is released once the last request using it is done. */
  retire(): void {
    this.retired = true;
    if (this.references === 0) void this.model.release().catch(() => undefined);
  }
}

/**
 * An ONNX model loaded in onnxruntime (CPU), with its signature and metadata. One module shared
 * by evaluation and, later, the model server.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { invalidModel, modelNotFound } from './errors.js';
import { readOnnxFileInfo } from './onnx-metadata.js';
import { removeZipMap } from './zipmap.js';

/** An input or output as the model declares it. */
export interface TensorInfo {
  readonly name: string;
  readonly isTensor: boolean;
  /** onnxruntime's element type: float32, float64, int64, string, bool…; for non-tensors, the kind (e.g. sequence). */
  readonly type: string;
  /** Dimensions; symbolic ones (the batch) as strings. */
  readonly shape: readonly (number | string)[];
}

export interface OnnxModel {
  readonly path: string;
  readonly sizeBytes: number;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly producer: string | undefined;
  /** Runs the model on prepared tensors, fetching only `outputNames` (default: every tensor output). */
  run(feeds: Record<string, ort.Tensor>, outputNames?: readonly string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

function describe(metadata: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (metadata.isTensor) return { name: metadata.name, isTensor: true, type: metadata.type, shape: metadata.shape };
  return { name: metadata.name, isTensor: false, type: 'non-tensor', shape: [] };
}

export async function loadOnnxModel(path: string): Promise<OnnxModel> {
  if (!existsSync(path)) throw modelNotFound({ path });
  const file = readFileSync(path);
  let session: ort.InferenceSession;
  let info: ReturnType<typeof readOnnxFileInfo>;
  try {
    info = readOnnxFileInfo(file);
    const rewrite = removeZipMap(file);
    if (rewrite && info.metadata.classes === undefined) info = { ...info, metadata: { ...info.metadata, classes: JSON.stringify(rewrite.classes) } };
    // One thread per session, run in sequence: onnxruntime-node runs a session on the event loop's
    // thread, and the tabular models served here are small enough that a thread pool's hand-offs
    // cost more than they save; parallelism comes from batching and from serving workers.
    session = await ort.InferenceSession.create(rewrite?.bytes ?? file, { graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\s+$/, '');
    throw invalidModel({ path, reason: reason || 'unknown error' }, { cause: error });
  }
  const inputs = session.inputMetadata.map(describe);
  const outputs = session.outputMetadata.map(describe);
  const tensorOutputs = outputs.filter((output) => output.isTensor).map((output) => output.name);
  return {
    path,
    sizeBytes: file.byteLength,
    inputs,
    outputs,
    metadata: info.metadata,
    producer: info.producer,
    run: (feeds, outputNames = tensorOutputs) => session.run(feeds, [...outputNames]) as Promise<Record<string, ort.Tensor>>,
    release: () => session.release(),
  };
}

export { ort };

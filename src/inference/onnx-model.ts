/**
 * An ONNX model loaded in onnxruntime (CPU), with its signature and metadata. One module shared
 * by evaluation and the model server. With `runtime: 'auto'` (the server's choice), a small
 * graph is also compiled to JavaScript and, once verified against onnxruntime, runs instead of
 * it (`compiled/compiled-runtime.ts`); `model.runtime` says which runtime serves and why.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { prepareCompiledRuntime, type CompiledRuntimeOptions, type RuntimeInfo, type TensorRun } from './compiled/compiled-runtime.js';
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
  /** Which runtime runs the model, and why (the compiled one only after it was verified). */
  readonly runtime: RuntimeInfo;
  /** Runs the model on prepared tensors, fetching only `outputNames` (default: every tensor output). */
  run(feeds: Record<string, ort.Tensor>, outputNames?: readonly string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

function describe(metadata: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (metadata.isTensor) return { name: metadata.name, isTensor: true, type: metadata.type, shape: metadata.shape };
  return { name: metadata.name, isTensor: false, type: 'non-tensor', shape: [] };
}

/** Which runtimes a model may use: `auto` compiles small graphs when verified; `onnxruntime` never does. */
export type RuntimeChoice = 'auto' | 'onnxruntime';

/** The runtimes `--runtime` accepts, the default first. */
export const RUNTIME_CHOICES = ['auto', 'onnxruntime'] as const satisfies readonly RuntimeChoice[];

export interface LoadOnnxOptions {
  /** Default `onnxruntime` (evaluation); the server passes `auto`. */
  readonly runtime?: RuntimeChoice | undefined;
  /** For tests and benchmarks: the compiler's options (kernels, probe, unrolling). */
  readonly compiler?: CompiledRuntimeOptions | undefined;
}

/** The .onnx files directly inside a folder, as paths, sorted (an MLflow model folder has one); none when it cannot be read. */
export function onnxFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.onnx'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Why a directory is not a model, naming the .onnx files it holds. */
function directoryReason(path: string): string {
  const inside = onnxFilesIn(path);
  if (inside.length === 0) return 'it is a directory, and holds no .onnx file';
  return `it is a directory; pass the model file inside it (${inside.join(', ')})`;
}

export async function loadOnnxModel(path: string, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  if (!existsSync(path)) throw modelNotFound({ path });
  if (statSync(path).isDirectory()) throw invalidModel({ path, reason: directoryReason(path) });
  const file = readFileSync(path);
  let session: ort.InferenceSession;
  let info: ReturnType<typeof readOnnxFileInfo>;
  let bytes: Uint8Array = file;
  try {
    info = readOnnxFileInfo(file);
    const rewrite = removeZipMap(file);
    bytes = rewrite?.bytes ?? file;
    if (rewrite && info.metadata.classes === undefined) info = { ...info, metadata: { ...info.metadata, classes: JSON.stringify(rewrite.classes) } };
    // One thread per session, run in sequence: onnxruntime-node runs a session on the event loop's
    // thread, and the tabular models served here are small enough that a thread pool's hand-offs
    // cost more than they save; parallelism comes from batching and from serving workers.
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\s+$/, '');
    throw invalidModel({ path, reason: reason || 'unknown error' }, { cause: error });
  }
  const inputs = session.inputMetadata.map(describe);
  const outputs = session.outputMetadata.map(describe);
  const tensorOutputs = outputs.filter((output) => output.isTensor).map((output) => output.name);
  const runSession = (feeds: Record<string, ort.Tensor>, outputNames: readonly string[]) => session.run(feeds, [...outputNames]) as Promise<Record<string, ort.Tensor>>;
  const compiled =
    options.runtime === 'auto'
      ? await prepareCompiledRuntime(bytes, runSession, options.compiler)
      : { info: { kind: 'onnxruntime' as const, reason: 'the onnxruntime runtime was asked for' }, run: undefined };
  return {
    path,
    sizeBytes: file.byteLength,
    inputs,
    outputs,
    metadata: info.metadata,
    producer: info.producer,
    runtime: compiled.info,
    run: compiled.run ? runEither(compiled.run, runSession, tensorOutputs) : (feeds, outputNames = tensorOutputs) => runSession(feeds, outputNames),
    release: () => session.release(),
  };
}

/**
 * The compiled function where it applies; onnxruntime for feeds it was not compiled for (another
 * element type, a missing input: onnxruntime then gives its usual error) or if it ever throws.
 */
function runEither(compiled: TensorRun, session: (feeds: Record<string, ort.Tensor>, outputNames: readonly string[]) => Promise<Record<string, ort.Tensor>>, tensorOutputs: readonly string[]): OnnxModel['run'] {
  return (feeds, outputNames = tensorOutputs) => {
    let result: Record<string, ort.Tensor> | undefined;
    try {
      result = compiled(feeds, outputNames);
    } catch {
      result = undefined;
    }
    return result ? Promise.resolve(result) : session(feeds, outputNames);
  };
}

export { ort };

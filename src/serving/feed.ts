/**
 * Model inputs and outputs in flight: tensors whose first dimension is the batch. Requests become
 * feed parts, parts are concatenated into one onnxruntime call, and the outputs are cut back into
 * one part per request. Row-major throughout, as ONNX and the Open Inference Protocol lay tensors.
 */
import { ort } from '../inference/index.js';

export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];

/** One named tensor: `data` holds rows × rowWidth elements. */
export interface BatchTensor {
  /** onnxruntime's element type: float32, float64, int64, int32, bool, string. */
  readonly type: string;
  readonly data: TensorData;
  /** Dimensions after the batch one ([] for a vector of rows). */
  readonly rowShape: readonly number[];
}

/** A request's worth of input (or output): the same number of rows in every tensor. */
export interface FeedPart {
  readonly rows: number;
  readonly tensors: Readonly<Record<string, BatchTensor>>;
}

function rowWidth(tensor: BatchTensor): number {
  return tensor.rowShape.reduce((product, size) => product * size, 1);
}

/** An empty buffer of `length` elements of onnxruntime's `type`. */
export function allocateTensorData(type: string, length: number): TensorData {
  switch (type) {
    case 'float64':
      return new Float64Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
    case 'string':
      return new Array<string>(length);
    default:
      return new Float32Array(length);
  }
}

/** The parts one after another, as one part (the parts' tensors must agree in names, types and row shapes). */
export function concatParts(parts: readonly FeedPart[]): FeedPart {
  if (parts.length === 1) return parts[0]!;
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  const tensors: Record<string, BatchTensor> = {};
  for (const [name, first] of Object.entries(parts[0]!.tensors)) {
    const width = rowWidth(first);
    const data = allocateTensorData(first.type, rows * width);
    let offset = 0;
    for (const part of parts) {
      const source = part.tensors[name]!.data;
      if (Array.isArray(data)) for (let k = 0; k < source.length; k++) data[offset + k] = (source as string[])[k]!;
      else (data as Float32Array).set(source as Float32Array, offset);
      offset += source.length;
    }
    tensors[name] = { type: first.type, data, rowShape: first.rowShape };
  }
  return { rows, tensors };
}

/** Rows [start, end) of a part (views, not copies, for typed arrays). */
export function sliceRows(part: FeedPart, start: number, end: number): FeedPart {
  const tensors: Record<string, BatchTensor> = {};
  for (const [name, tensor] of Object.entries(part.tensors)) {
    const width = rowWidth(tensor);
    tensors[name] = { ...tensor, data: tensor.data.slice(start * width, end * width) as TensorData };
  }
  return { rows: end - start, tensors };
}

/** onnxruntime feeds for a part. */
export function toOrtFeeds(part: FeedPart): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(part.tensors)) {
    feeds[name] = new ort.Tensor(tensor.type as 'float32', tensor.data as Float32Array, [part.rows, ...tensor.rowShape]);
  }
  return feeds;
}

/** onnxruntime's outputs as a part (the batch dimension first). */
export function fromOrtOutputs(outputs: Record<string, ort.Tensor>, rows: number): FeedPart {
  const tensors: Record<string, BatchTensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    const dims = tensor.dims.map(Number);
    tensors[name] = { type: tensor.type, data: tensor.data as TensorData, rowShape: dims.slice(1) };
  }
  return { rows, tensors };
}

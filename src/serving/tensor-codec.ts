/**
 * Open Inference Protocol v2 tensors: request inputs checked against the model's inputs (names,
 * datatypes, shapes, element counts) and turned into a feed part; outputs turned back into
 * `{name, datatype, shape, data}` with data flat and row-major, as KServe, Triton and MLServer
 * answer. Nested `data` arrays are accepted and flattened.
 */
import type { TensorInfo } from '../inference/index.js';
import { badInferenceRequest } from './errors.js';
import { allocateTensorData, type BatchTensor, type FeedPart } from './feed.js';

/** onnxruntime element types and their v2 datatype names. */
const DATATYPES: Readonly<Record<string, string>> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

const NUMERIC_DATATYPES = new Set(['FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const INTEGER_DATATYPES = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);

export function datatypeOf(type: string): string {
  return DATATYPES[type] ?? type.toUpperCase();
}

/** A v2 shape: -1 for dimensions the model leaves open (the batch). */
export function v2Shape(info: TensorInfo): number[] {
  return info.shape.map((size) => (typeof size === 'number' && size > 0 ? size : -1));
}

export interface V2Input {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly data: unknown;
}

function flatten(data: unknown, into: unknown[]): void {
  if (Array.isArray(data)) for (const item of data) flatten(item, into);
  else into.push(data);
}

/** The largest float32; a larger value becomes Infinity in the model's input tensor. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Where element k of an input is, in the caller's terms: its row, and its feature when the columns are named. */
function elementPlace(input: V2Input, k: number, featureNames: readonly string[] | undefined): string {
  const width = input.shape.slice(1).reduce((product, size) => product * size, 1);
  const row = width > 0 ? Math.floor(k / width) + 1 : 1;
  const named = featureNames && input.shape.length === 2 && input.shape[1] === featureNames.length ? `, feature "${featureNames[k % width]}"` : '';
  return `row ${row}${named} (element ${k})`;
}

/**
 * Request inputs as a feed part for a model with `inputs`. `featureNames` names the columns of a
 * single matrix input, for messages.
 */
export function decodeV2Inputs(inputs: readonly V2Input[], modelInputs: readonly TensorInfo[], modelName: string, featureNames?: readonly string[]): FeedPart {
  const given = new Map(inputs.map((input) => [input.name, input]));
  // Two tensors of one name: one would be dropped without a word.
  if (given.size < inputs.length) {
    const twice = inputs.find((input, k) => inputs.findIndex((other) => other.name === input.name) !== k)!;
    throw badInferenceRequest({ problem: `Input "${twice.name}" is given more than once; send each of ${modelName}'s inputs once.` });
  }
  const unknown = inputs.filter((input) => !modelInputs.some((info) => info.name === input.name)).map((input) => input.name);
  if (unknown.length > 0) throw badInferenceRequest({ problem: `${modelName} has no input ${unknown.map((name) => `"${name}"`).join(', ')}; its inputs are ${modelInputs.map((info) => `"${info.name}"`).join(', ')}.` });
  let rows: number | undefined;
  const tensors: Record<string, BatchTensor> = {};
  for (const info of modelInputs) {
    const input = given.get(info.name);
    if (!input) throw badInferenceRequest({ problem: `Input "${info.name}" is missing; ${modelName} takes ${modelInputs.map((each) => `"${each.name}" (${datatypeOf(each.type)} ${JSON.stringify(v2Shape(each))})`).join(', ')}.` });
    const expected = datatypeOf(info.type);
    const compatible = input.datatype === expected || (NUMERIC_DATATYPES.has(input.datatype) && NUMERIC_DATATYPES.has(expected));
    if (!compatible) throw badInferenceRequest({ problem: `Input "${info.name}" has datatype ${input.datatype}; the model takes ${expected}.` });
    const modelShape = v2Shape(info);
    if (input.shape.length !== modelShape.length) throw badInferenceRequest({ problem: `Input "${info.name}" has shape ${JSON.stringify(input.shape)}; the model takes ${JSON.stringify(modelShape)} (-1: any size).` });
    modelShape.forEach((size, k) => {
      if (size !== -1 && input.shape[k] !== size) throw badInferenceRequest({ problem: `Input "${info.name}" has shape ${JSON.stringify(input.shape)}; dimension ${k} must be ${size} (the model takes ${JSON.stringify(modelShape)}).` });
    });
    const batch = input.shape[0] ?? 1;
    if (rows !== undefined && batch !== rows) throw badInferenceRequest({ problem: `Inputs disagree on the batch size: "${info.name}" has ${batch} rows, another input ${rows}.` });
    rows = batch;
    // Values read from bytes come as a typed array, already flat.
    const flat: ArrayLike<unknown> = ArrayBuffer.isView(input.data) ? (input.data as unknown as ArrayLike<number>) : [];
    if (!ArrayBuffer.isView(input.data)) flatten(input.data, flat as unknown[]);
    const count = input.shape.reduce((product, size) => product * size, 1);
    if (flat.length !== count) throw badInferenceRequest({ problem: `Input "${info.name}" has ${flat.length} values, but its shape ${JSON.stringify(input.shape)} holds ${count}.` });
    const data = allocateTensorData(info.type, count);
    // Bytes of the model's own element type are copied whole; only floats need a look (for NaN and ±Infinity).
    const copied = ArrayBuffer.isView(flat) && flat.constructor === data.constructor && allFinite(flat as unknown as ArrayLike<number>);
    if (copied) (data as Float32Array).set(flat as unknown as Float32Array);
    for (let k = copied ? count : 0; k < count; k++) {
      const value = flat[k];
      if (info.type === 'string') {
        if (typeof value !== 'string') throw badInferenceRequest({ problem: `Input "${info.name}" (BYTES) must hold strings; element ${k} is ${JSON.stringify(value)}.` });
        (data as string[])[k] = value;
      } else if (info.type === 'bool') {
        if (typeof value !== 'boolean') throw badInferenceRequest({ problem: `Input "${info.name}" (BOOL) must hold true or false; element ${k} is ${JSON.stringify(value)}.` });
        (data as Uint8Array)[k] = value ? 1 : 0;
      } else if (typeof value === 'bigint' && data instanceof BigInt64Array) {
        // 64-bit integers read from binary data beyond 2^53 stay exact.
        if (value < -(2n ** 63n) || value >= 2n ** 63n) throw badInferenceRequest({ problem: `Input "${info.name}" (INT64) element ${k} is ${value}, outside the 64-bit integer range.` });
        data[k] = value;
      } else {
        if (typeof value !== 'number') throw badInferenceRequest({ problem: `Input "${info.name}" (${expected}) must hold numbers; element ${k} is ${JSON.stringify(value)}.` });
        // Numbers are converted between numeric datatypes, but not taken for what they are not.
        if (INTEGER_DATATYPES.has(input.datatype) && !Number.isInteger(value)) throw badInferenceRequest({ problem: `Input "${info.name}" is declared ${input.datatype}, but element ${k} is ${value}, not a whole number; declare it FP32 or FP64.` });
        if (data instanceof BigInt64Array) {
          if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) throw badInferenceRequest({ problem: `Input "${info.name}" (INT64) element ${k} is ${value}, outside the 64-bit integer range.` });
          data[k] = BigInt(Math.trunc(value));
        }
        else {
          // 1e400 parses to Infinity, and 1e39 overflows float32: the model would answer NaN.
          if (!Number.isFinite(value) || (info.type === 'float32' && Math.abs(value) > FLOAT32_MAX)) {
            throw badInferenceRequest({ problem: `Input "${info.name}" ${elementPlace(input, k, featureNames)} is ${value}, which is not a finite ${expected} value (the model would answer it with NaN); send values within ±${info.type === 'float32' ? '3.4e38' : '1.8e308'}.` });
          }
          (data as Float32Array)[k] = value;
        }
      }
    }
    tensors[info.name] = { type: info.type, data, rowShape: input.shape.slice(1) };
  }
  return { rows: rows ?? 0, tensors };
}

function allFinite(values: ArrayLike<number>): boolean {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) return true;
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k]!)) return false;
  return true;
}

export interface V2Output {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly (number | string | boolean)[];
}

/** A part's tensors as v2 outputs (only `names`, when given). */
export function encodeV2Outputs(part: FeedPart, names?: readonly string[]): V2Output[] {
  const wanted = names && names.length > 0 ? names : Object.keys(part.tensors);
  return wanted.map((name) => {
    const tensor = part.tensors[name];
    if (!tensor) throw badInferenceRequest({ problem: `The model has no output "${name}"; it has ${Object.keys(part.tensors).map((each) => `"${each}"`).join(', ')}.` });
    const data = tensor.data instanceof BigInt64Array ? Array.from(tensor.data, Number) : tensor.type === 'bool' ? Array.from(tensor.data as Uint8Array, Boolean) : Array.from(tensor.data as ArrayLike<number | string>);
    return { name, datatype: datatypeOf(tensor.type), shape: [part.rows, ...tensor.rowShape], data };
  });
}

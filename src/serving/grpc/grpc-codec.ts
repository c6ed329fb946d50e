/**
 * gRPC's v2 messages (as @grpc/proto-loader gives them: snake_case fields, 64-bit integers as
 * strings) to and from the transport-free v2 request and result of v2-inference.ts. Inputs come as
 * typed `contents` or as `raw_input_contents` (bytes, read by tensor-bytes.ts); the response
 * answers in kind: raw_output_contents for a raw request, typed contents otherwise.
 */
import { badInferenceRequest } from '../errors.js';
import { bytesFromValues } from '../../core/index.js';
import { valuesFromBytes } from '../tensor-bytes.js';
import type { V2Input, V2Output } from '../tensor-codec.js';
import type { V2InferRequest, V2InferResult } from '../v2-inference.js';

type Int64 = string | number;

export interface TensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Int64[];
  uint_contents?: number[];
  uint64_contents?: Int64[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

export interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: { name: string; datatype: string; shape: Int64[]; contents: TensorContents | null }[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

export interface ModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[]; contents?: TensorContents }[];
  raw_output_contents: Buffer[];
}

/** The `contents` field that holds each datatype's values. */
const CONTENT_FIELDS: Readonly<Record<string, keyof TensorContents>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/** A 64-bit integer: a number when exact, else a bigint (which the codec range-checks). */
function int64(value: Int64): number | bigint {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}

function hasContents(contents: TensorContents | null): boolean {
  return contents !== null && Object.values(contents).some((values) => Array.isArray(values) && values.length > 0);
}

export function fromGrpcRequest(request: ModelInferRequest): V2InferRequest {
  if (!request.model_name) throw badInferenceRequest({ problem: 'model_name is empty: name the model to run (ModelMetadata describes it).' });
  if (request.inputs.length === 0) throw badInferenceRequest({ problem: '"inputs" must hold at least one tensor.' });
  const raw = request.raw_input_contents;
  if (raw.length > 0 && raw.length !== request.inputs.length) {
    throw badInferenceRequest({ problem: `raw_input_contents has ${raw.length} entries for ${request.inputs.length} inputs; send one per input, in the order of "inputs".` });
  }
  const inputs = request.inputs.map((input, k): V2Input => {
    const shape = input.shape.map(Number);
    if (raw.length > 0) {
      if (hasContents(input.contents)) throw badInferenceRequest({ problem: `Input "${input.name}" has contents while the request has raw_input_contents; send every input one way.` });
      return { name: input.name, shape, datatype: input.datatype, data: valuesFromBytes(input.name, input.datatype, shape, raw[k]!, 'raw_input_contents') };
    }
    const field = CONTENT_FIELDS[input.datatype];
    if (field === undefined) throw badInferenceRequest({ problem: `Input "${input.name}" has datatype ${input.datatype}, which has no typed contents; send it in raw_input_contents.` });
    const values = (input.contents?.[field] ?? []) as unknown[];
    return { name: input.name, shape, datatype: input.datatype, data: typedContents(field, values) };
  });
  return { id: request.id || undefined, inputs, outputs: request.outputs.map((output) => output.name) };
}

/**
 * Typed contents as the codec takes them. Floats go as a typed array of their own precision, as
 * raw contents do: the codec copies it whole, and the prediction log writes its bytes (base64)
 * instead of every value as a decimal.
 */
function typedContents(field: keyof TensorContents, values: unknown[]): unknown {
  switch (field) {
    case 'bytes_contents':
      return (values as Buffer[]).map((bytes) => bytes.toString('utf8'));
    case 'int64_contents':
    case 'uint64_contents':
      return (values as Int64[]).map(int64);
    case 'fp32_contents':
      return Float32Array.from(values as number[]);
    case 'fp64_contents':
      return Float64Array.from(values as number[]);
    default:
      return values;
  }
}

function contentsOf(output: V2Output): TensorContents {
  const field = CONTENT_FIELDS[output.datatype];
  if (field === undefined) throw new Error(`no typed contents for datatype ${output.datatype}`);
  const values = field === 'bytes_contents' ? output.data.map((value) => Buffer.from(String(value), 'utf8')) : output.data;
  return { [field]: values };
}

export function toGrpcResponse(result: V2InferResult, raw: boolean): ModelInferResponse {
  return {
    model_name: result.model_name,
    model_version: result.model_version,
    id: result.id,
    outputs: result.outputs.map((output) => ({ name: output.name, datatype: output.datatype, shape: [...output.shape], ...(raw ? {} : { contents: contentsOf(output) }) })),
    raw_output_contents: raw ? result.outputs.map((output) => bytesFromValues(output.datatype, output.data)) : [],
  };
}

/**
 * The binary tensor data extension of v2 REST, as Triton and KServe define it: the body is a JSON
 * inference header of `Inference-Header-Content-Length` bytes, then each binary input's bytes in
 * the order of `inputs`, sized by its `parameters.binary_data_size`. Outputs asked for with
 * `parameters.binary_data: true` (or, for all, the request's `binary_data_output: true`) come back
 * the same way. Bytes are laid out as tensor-bytes.ts says; the tensors then take the JSON path.
 */
import { badInferenceRequest } from './errors.js';
import { bytesFromValues } from '../core/index.js';
import { valuesFromBytes } from './tensor-bytes.js';
import type { V2Input } from './tensor-codec.js';
import { firstIssue, inferRequestSchema, type InferRequestBody, type V2InferResult } from './v2-inference.js';

export const HEADER_LENGTH = 'inference-header-content-length';

/** The JSON header and the inputs (binary ones read from their bytes) of a binary request body. */
export function parseBinaryRequest(body: Buffer, headerLength: string | string[] | undefined): { body: InferRequestBody; inputs: V2Input[] } {
  const length = headerLengthOf(headerLength, body.length);
  let header: unknown;
  try {
    header = JSON.parse(body.toString('utf8', 0, length));
  } catch (error) {
    throw badInferenceRequest({ problem: `The first ${length} bytes of the body (Inference-Header-Content-Length) are not a JSON inference header: ${(error as Error).message}.` });
  }
  const parsed = inferRequestSchema.safeParse(header);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  const sizes = parsed.data.inputs.map((input) => input.parameters?.binary_data_size ?? 0);
  const binary = body.length - length;
  const announced = sizes.reduce((sum, size) => sum + size, 0);
  if (announced !== binary) {
    throw badInferenceRequest({ problem: `The inputs' parameters.binary_data_size add up to ${announced} bytes, but ${binary} bytes follow the ${length}-byte JSON header.` });
  }
  let offset = length;
  const inputs = parsed.data.inputs.map((input): V2Input => {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) {
      if (input.data === undefined) throw badInferenceRequest({ problem: `Input "${input.name}" has neither "data" nor parameters.binary_data_size.` });
      return { name: input.name, shape: input.shape, datatype: input.datatype, data: input.data };
    }
    if (input.data !== undefined) throw badInferenceRequest({ problem: `Input "${input.name}" has both "data" and parameters.binary_data_size; send its values one way.` });
    const bytes = body.subarray(offset, offset + size);
    offset += size;
    return { name: input.name, shape: input.shape, datatype: input.datatype, data: valuesFromBytes(input.name, input.datatype, input.shape, bytes, 'binary_data_size') };
  });
  return { body: parsed.data, inputs };
}

function headerLengthOf(value: string | string[] | undefined, bodyLength: number): number {
  // Without the header the whole body is the JSON header (as Triton reads it).
  if (value === undefined) return bodyLength;
  const text = Array.isArray(value) ? value[0] ?? '' : value;
  if (!/^\d+$/.test(text.trim())) throw badInferenceRequest({ problem: `Inference-Header-Content-Length must be the JSON header's length in bytes; it is "${text}".` });
  const length = Number(text.trim());
  if (length > bodyLength) throw badInferenceRequest({ problem: `Inference-Header-Content-Length says the JSON header is ${length} bytes, but the whole body is ${bodyLength}.` });
  return length;
}

/**
 * Whether an output goes as binary data: its own `binary_data`, defaulting to the request's
 * `binary_data_output`; undefined when none can (the common JSON request).
 */
export function binaryOutputChoice(body: InferRequestBody): ((name: string) => boolean) | undefined {
  const all = body.parameters?.binary_data_output === true;
  const asked = new Map((body.outputs ?? []).map((output) => [output.name, output.parameters?.binary_data]));
  if (!all && ![...asked.values()].includes(true)) return undefined;
  return (name) => (asked.get(name) ?? all) === true;
}


/** A response with `binary` outputs as bytes after the JSON header, and the header's length. */
export function encodeBinaryResponse(result: V2InferResult, binary: (name: string) => boolean): { body: Buffer; headerLength: number } {
  const parts: Buffer[] = [];
  const outputs = result.outputs.map((output) => {
    if (!binary(output.name)) return output;
    const bytes = bytesFromValues(output.datatype, output.data);
    parts.push(bytes);
    return { name: output.name, datatype: output.datatype, shape: output.shape, parameters: { binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...result, outputs }), 'utf8');
  return { body: Buffer.concat([header, ...parts]), headerLength: header.length };
}

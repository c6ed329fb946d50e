/**
 * The Open Inference Protocol v2 as one service, whichever transport carries it: REST with JSON
 * tensors, REST with the binary tensor data extension, and gRPC (`inference.GRPCInferenceService`)
 * all decode into a {@link V2InferRequest} and call {@link inferV2}, which checks it against the
 * model, runs it through the micro-batcher, counts its rows and logs the prediction.
 */
import { z } from 'zod';
import { bytesFromValues } from '../core/index.js';
import { chooseModel, runInference, type InferenceCall, type Protocol, type ServingContext } from './context.js';
import { badInferenceRequest } from './errors.js';
import { RawJson } from './raw-json.js';
import type { ServedModel } from './served-model.js';
import { datatypeOf, decodeV2Inputs, encodeV2Outputs, v2Shape, type V2Input, type V2Output } from './tensor-codec.js';

const parametersSchema = z.record(z.string(), z.unknown()).optional();

/** A request as JSON (or the JSON header of a binary request): inputs may carry binary sizes instead of data. */
export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: parametersSchema,
  inputs: z
    .array(
      z.object({
        name: z.string({ error: 'each input needs a "name"' }),
        shape: z.array(z.number().int().nonnegative(), { error: 'each input needs a "shape": a list of sizes' }),
        datatype: z.string({ error: 'each input needs a "datatype" (FP32, INT64, BYTES…)' }),
        parameters: z.object({ binary_data_size: z.number({ error: 'binary_data_size must be a number of bytes' }).int().nonnegative().optional() }).catchall(z.unknown()).optional(),
        data: z.unknown().optional(),
      }),
      { error: '"inputs" must be a list of tensors {name, shape, datatype, data}' },
    )
    .min(1, { error: '"inputs" must hold at least one tensor' }),
  outputs: z.array(z.object({ name: z.string(), parameters: parametersSchema })).optional(),
});

export type InferRequestBody = z.output<typeof inferRequestSchema>;

/** A decoded request: every input's `data` flat or nested, as JSON holds it. */
export interface V2InferRequest {
  readonly id?: string | undefined;
  readonly inputs: readonly V2Input[];
  /** The outputs asked for (all when empty). */
  readonly outputs?: readonly string[] | undefined;
  /** The inputs as the request's own JSON text, for the prediction log (written as received). */
  readonly rawInputs?: unknown;
  /** Whether an output is answered as bytes (binary extension, gRPC raw contents): it is logged so too. */
  readonly binaryOutput?: ((name: string) => boolean) | undefined;
}

export interface V2InferResult {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly outputs: readonly V2Output[];
}

/** zod's first complaint, as one sentence. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '')}: ` : '';
  return `${where}${issue.message}`;
}

/** Runs a decoded v2 request on the model `name` (at `version`, when given). */
export async function inferV2(context: ServingContext, call: InferenceCall, protocol: Protocol, name: string, version: string | undefined, request: V2InferRequest): Promise<V2InferResult> {
  const { model, shadow } = chooseModel(context, name, version, call.exchange);
  const part = decodeV2Inputs(request.inputs, model.model.inputs, model.name, model.codec.features.map((feature) => feature.name));
  // The request's id, when given, is the one the caller knows: the log (and feedback) use it.
  const id = request.id || call.id;
  const logged = context.predictionLog ? (request.rawInputs ?? loggable(request.inputs)) : undefined;
  const binary = request.binaryOutput;
  const outputs = await runInference(context, { ...call, id, shadow }, model, protocol, part, logged, (output) => encodeV2Outputs(output, request.outputs), binary && ((presented) => loggedOutputs(presented, binary)));
  return { model_name: model.name, model_version: model.version, id, outputs };
}

/**
 * Inputs as the prediction log writes them, as they came: JSON data as a list; values read from
 * bytes (the binary tensor extension, gRPC's raw contents) as those bytes, little-endian and
 * row-major (the wire layout), in base64 under `data_base64` instead of `data`: exact, and a tiny
 * part of the work of writing each float as a decimal (a 100-row FP32 batch: a few microseconds
 * instead of a millisecond, which had been most of the request's time). The text is made here
 * (RawJson): JSON.stringify would scan the long base64 string for characters to escape, and it
 * has none. 64-bit integers beyond 2^53 (bigints) go as strings.
 */
function loggable(inputs: readonly V2Input[]): readonly V2Input[] | RawJson {
  const wide = (input: V2Input) => (input.datatype === 'INT64' || input.datatype === 'UINT64') && Array.isArray(input.data) && input.data.some((value) => typeof value === 'bigint');
  const plain = (input: V2Input) => !ArrayBuffer.isView(input.data) && !wide(input);
  if (inputs.every(plain)) return inputs;
  const tensors = () =>
    inputs.map((input) => {
      if (plain(input)) return JSON.stringify(input);
      if (ArrayBuffer.isView(input.data)) return base64Tensor(input, Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength));
      return JSON.stringify({ ...input, data: Array.from(input.data as ArrayLike<unknown>, (value) => (typeof value === 'bigint' ? value.toString() : value)) });
    });
  // Made when the log writes the line, after the response (the decoded inputs are the request's own copy).
  return new RawJson(() => `[${tensors().join(',')}]`);
}

/** Outputs as the prediction log writes them, as they were answered: those sent as bytes as base64 (see {@link loggable}). */
function loggedOutputs(outputs: readonly V2Output[], binary: (name: string) => boolean): RawJson {
  return new RawJson(() => `[${outputs.map((output) => (binary(output.name) ? base64Tensor(output, bytesFromValues(output.datatype, output.data)) : JSON.stringify(output))).join(',')}]`);
}

function base64Tensor(tensor: { readonly name: string; readonly shape: readonly number[]; readonly datatype: string }, bytes: Buffer): string {
  return `{"name":${JSON.stringify(tensor.name)},"shape":${JSON.stringify(tensor.shape)},"datatype":${JSON.stringify(tensor.datatype)},"data_base64":"${bytes.toString('base64')}"}`;
}

export interface V2TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

export interface V2ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly V2TensorMetadata[];
  readonly outputs: readonly V2TensorMetadata[];
  /** Sluice's addition over REST (gRPC's message has no such field): feature names and classes. */
  readonly parameters: { readonly features: readonly string[]; readonly classes: unknown };
}

/** A model's v2 metadata: its tensors with datatypes and shapes (-1 for the batch). */
export function v2ModelMetadata(model: ServedModel): V2ModelMetadata {
  const tensor = (info: { name: string; type: string; shape: readonly (number | string)[] }): V2TensorMetadata => ({ name: info.name, datatype: datatypeOf(info.type), shape: v2Shape(info as never) });
  return {
    name: model.name,
    versions: [model.version],
    platform: 'onnxruntime_onnx',
    inputs: model.model.inputs.map(tensor),
    outputs: model.model.outputs.filter((output) => output.isTensor).map(tensor),
    parameters: { features: model.codec.features.map((feature) => feature.name), classes: model.prediction.classes },
  };
}

/** The extensions `GET /v2` and gRPC ServerMetadata name. */
export const V2_EXTENSIONS: readonly string[] = ['binary_tensor_data'];

/** A JSON request's inputs, each with data (none may name binary data: no bytes came with it). */
export function jsonInputs(body: InferRequestBody): V2Input[] {
  return body.inputs.map((input) => {
    if (input.parameters?.binary_data_size !== undefined) {
      throw badInferenceRequest({ problem: `Input "${input.name}" has parameters.binary_data_size, but the request has no binary part: send Content-Type application/octet-stream with an Inference-Header-Content-Length header.` });
    }
    if (input.data === undefined) throw badInferenceRequest({ problem: `Input "${input.name}" needs "data" (or, with the binary tensor data extension, parameters.binary_data_size).` });
    return { name: input.name, shape: input.shape, datatype: input.datatype, data: input.data };
  });
}

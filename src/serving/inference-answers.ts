/**
 * What the hot inference endpoints answer, whichever HTTP adapter received the request (the
 * Fastify app's routes, or the fast path of hot-path.ts): Sluice's `POST /predict` and the Open
 * Inference Protocol's `POST /v2/models/NAME[/versions/V]/infer`. An adapter reads the body, hands
 * it here parsed (and, for JSON, as its text: the prediction log writes inputs as received), and
 * sends what comes back; errors are thrown for the adapter's one error map.
 */
import { z } from 'zod';
import { binaryOutputChoice, encodeBinaryResponse, parseBinaryRequest } from './binary-tensors.js';
import { chooseModel, runInference, type ServingContext } from './context.js';
import { badInferenceRequest, servedModelNotNamed } from './errors.js';
import type { Exchange } from './exchange.js';
import { labelledPredictionsJson } from './labelled-json.js';
import { RawJson, rawMember } from './raw-json.js';
import type { ServedModel } from './served-model.js';
import { firstIssue, inferRequestSchema, inferV2, jsonInputs, type V2InferResult } from './v2-inference.js';

const predictSchema = z.object({
  model: z.string().optional(),
  rows: z.array(z.unknown(), { error: '"rows" must be a list of objects keyed by feature name' }).min(1, { error: '"rows" must hold at least one row' }),
});

type PredictBody = z.output<typeof predictSchema>;

/** The body's rows and model name; the common well-formed body is taken as it is, anything else goes through the schema for its message. */
function predictBody(body: unknown): PredictBody {
  if (body !== null && typeof body === 'object') {
    const { rows, model } = body as { rows?: unknown; model?: unknown };
    if (Array.isArray(rows) && rows.length > 0 && (model === undefined || typeof model === 'string')) return { rows, model };
  }
  const parsed = predictSchema.safeParse(body);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  return parsed.data;
}

/** The model a row protocol's request names (the URL's, else the body's, else the only one served). */
export function rowModelFor(context: ServingContext, name: string | undefined, path: '/predict' | '/invocations', exchange: Exchange | undefined): ServedModel {
  const chosen = name ?? context.models.defaultName();
  if (chosen === undefined) throw servedModelNotNamed({ path, known: context.models.names() });
  return chooseModel(context, chosen, undefined, exchange).model;
}

/**
 * `/predict`'s answer as JSON text: each row's label and class probabilities (or value), with the
 * model, version and request id. `text` is the body's JSON text, when it came as JSON.
 */
export async function answerPredict(context: ServingContext, exchange: Exchange, urlModel: string | undefined, body: unknown, text: string | undefined): Promise<string> {
  const parsed = predictBody(body);
  const model = rowModelFor(context, urlModel ?? parsed.model, '/predict', exchange);
  const part = model.codec.fromRecords(parsed.rows);
  // The predictions' JSON text is made once, for the answer and for the prediction log.
  const predictions = await runInference(context, { id: exchange.id, exchange }, model, 'predict', part, rawMember(text, body, 'rows') ?? parsed.rows, (output) => new RawJson(labelledPredictionsJson(model.prediction, output)));
  return `{"model":${JSON.stringify(model.name)},"version":${JSON.stringify(model.version)},"request_id":${JSON.stringify(exchange.id)},"predictions":${predictions.text}}`;
}

/** A v2 answer: JSON, or (binary tensor data extension) a JSON header followed by raw tensor bytes. */
export type V2Answer = { readonly json: V2InferResult } | { readonly binary: { readonly body: Buffer; readonly headerLength: number } };

/** The model a v2 URL names: a version an environment loaded besides the served one (a canary's candidate) too. */
export function v2ModelFor(context: ServingContext, name: string, version: string | undefined): ServedModel {
  return (version === undefined ? undefined : context.router?.route(name, version, {})?.model) ?? context.models.get(name, version);
}

/**
 * `/v2/models/NAME[/versions/V]/infer`: `body` is the parsed JSON (`text` its text) or, for the
 * binary tensor data extension, the bytes with their `Inference-Header-Content-Length`.
 */
export async function answerV2(context: ServingContext, exchange: Exchange, name: string, version: string | undefined, body: unknown, text: string | undefined, headerLength?: string | string[]): Promise<V2Answer> {
  // The model first: an unknown model is a 404 whatever the body.
  v2ModelFor(context, name, version);
  const binaryBody = Buffer.isBuffer(body);
  const { body: request, inputs } = binaryBody ? parseBinaryRequest(body, headerLength) : parseJson(body);
  const binaryOutput = binaryOutputChoice(request);
  const result = await inferV2(context, { id: exchange.id, exchange }, 'v2', name, version, {
    id: request.id,
    inputs,
    outputs: request.outputs?.map((output) => output.name),
    rawInputs: binaryBody ? undefined : rawMember(text, body, 'inputs'),
    binaryOutput,
  });
  if (!binaryOutput || !result.outputs.some((output) => binaryOutput(output.name))) return { json: result };
  return { binary: encodeBinaryResponse(result, binaryOutput) };
}

function parseJson(raw: unknown) {
  const parsed = inferRequestSchema.safeParse(raw);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  return { body: parsed.data, inputs: jsonInputs(parsed.data) };
}

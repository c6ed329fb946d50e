/**
 * What every route of the model server shares: the models, metrics, the prediction log, and one
 * way to run a request's rows and record the outcome.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FeedPart } from './feed.js';
import type { LiveRecorder } from './live-window.js';
import { scheduleShadow, type ModelRouter } from './model-router.js';
import type { ServingMetrics } from './metrics.js';
import type { ModelSet } from './model-set.js';
import type { PredictionLog } from './prediction-log.js';
import type { ServedModel } from './served-model.js';

/** The protocols, as metric labels and log fields. */
export type Protocol = 'v2' | 'grpc' | 'mlflow' | 'predict';

export interface ServingContext {
  readonly models: ModelSet;
  readonly metrics: ServingMetrics;
  readonly predictionLog: PredictionLog | undefined;
  readonly version: string;
  /** Reloads models on every worker (one process: this one). */
  readonly reloadAll: (options: { names?: readonly string[]; force?: boolean }) => Promise<void>;
  /** When set, `/admin/*` requires `Authorization: Bearer <token>` (SLUICE_ADMIN_TOKEN). */
  readonly adminToken?: string | undefined;
  /** Serving an environment: chooses the version that answers each request (see model-router.ts). */
  readonly router?: ModelRouter | undefined;
  /** Serving an environment: what its analysis measures. */
  readonly live?: LiveRecorder | undefined;
  /** Serving an environment: joins `POST /feedback` labels for its analysis (routes/feedback.ts). */
  readonly feedback?: ((body: unknown, predictionLog: PredictionLog | undefined) => Promise<{ joined: number }>) | undefined;
}

/** One inference request, whichever transport brought it. */
export interface InferenceCall {
  /** The id the prediction log (and feedback) use. */
  readonly id: string;
  /** The HTTP request, which is marked with the model that answered it (for its metrics). */
  readonly request?: FastifyRequest | undefined;
  /** A version that also runs the request after the response (environment shadow traffic). */
  readonly shadow?: ServedModel | undefined;
}

/** The model answering a request for `name` (at `version`): the environment's router's choice, else the named model. */
export function chooseModel(context: ServingContext, name: string, version: string | undefined, request: FastifyRequest | undefined): { model: ServedModel; shadow?: ServedModel | undefined } {
  const routed = context.router?.route(name, version, request?.headers ?? {});
  if (!routed) return { model: context.models.get(name, version) };
  // Kept on the request too, for routes that pass only the model on to runInference.
  if (request && routed.shadow) (request as unknown as Record<symbol, ServedModel>)[SHADOW] = routed.shadow;
  return routed;
}

const SHADOW = Symbol('shadow model');

/**
 * Runs a request's rows on the model, presents the outputs as the protocol answers them, and logs
 * the prediction (inputs as received, outputs as presented). Returns the presented outputs.
 */
const SERVED = Symbol('served model');

const REPLY = Symbol('reply');

/** Keeps a request's reply with it (set as the request arrives), for the time it has taken so far. */
export function keepReply(request: FastifyRequest, reply: FastifyReply): void {
  (request as unknown as Record<symbol, FastifyReply>)[REPLY] = reply;
}

function replyOf(request: FastifyRequest): FastifyReply | undefined {
  return (request as unknown as Record<symbol, FastifyReply | undefined>)[REPLY];
}

/** The model a request was answered by (for metrics and the access log), once known. */
export function servedModelOf(request: FastifyRequest): ServedModel | undefined {
  return (request as unknown as Record<symbol, ServedModel | undefined>)[SERVED];
}

export async function runInference<T>(
  context: ServingContext,
  call: InferenceCall,
  model: ServedModel,
  protocol: Protocol,
  part: FeedPart,
  inputs: unknown,
  present: (output: FeedPart) => T,
  /** The outputs as the prediction log writes them, when not as presented. */
  logged?: (presented: T) => unknown,
): Promise<T> {
  if (call.request) (call.request as unknown as Record<symbol, ServedModel>)[SERVED] = model;
  const output = await model.infer(part);
  const presented = present(output);
  if (context.live) {
    const predictions = model.predictionsOf(output);
    context.live.recordAnswer(call.id, model.version, predictions);
    const shadow = call.shadow ?? (call.request as unknown as Record<symbol, ServedModel | undefined> | undefined)?.[SHADOW];
    if (shadow) scheduleShadow(call.request, shadow, { requestId: call.id, model: model.name, protocol, part, inputs, stable: predictions }, context);
  }
  context.metrics.rows.inc({ model: model.name, version: model.version }, part.rows);
  context.predictionLog?.append({
    request_id: call.id,
    timestamp: new Date().toISOString(),
    model: model.name,
    version: model.version,
    protocol,
    inputs,
    outputs: logged ? logged(presented) : presented,
    latency_ms: call.request ? replyOf(call.request)?.elapsedTime : undefined,
  });
  return presented;
}

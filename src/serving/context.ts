/**
 * What every route of the model server shares: the models, metrics, the prediction log, and one
 * way to run a request's rows and record the outcome.
 */
import type { Exchange } from './exchange.js';
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
  /** The HTTP exchange, which learns the model that answered (for its metrics) and any shadow; gRPC has none. */
  readonly exchange?: Exchange | undefined;
  /** A version that also runs the request after the response (environment shadow traffic). */
  readonly shadow?: ServedModel | undefined;
}

/** The model answering a request for `name` (at `version`): the environment's router's choice, else the named model. */
export function chooseModel(context: ServingContext, name: string, version: string | undefined, exchange: Exchange | undefined): { model: ServedModel; shadow?: ServedModel | undefined } {
  const routed = context.router?.route(name, version, exchange?.headers ?? {});
  if (!routed) return { model: context.models.get(name, version) };
  // Kept on the exchange too, for routes that pass only the model on to runInference.
  if (exchange && routed.shadow) exchange.shadow = routed.shadow;
  return routed;
}

/**
 * Runs a request's rows on the model, presents the outputs as the protocol answers them, and logs
 * the prediction (inputs as received, outputs as presented). Returns the presented outputs.
 */
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
  if (call.exchange) call.exchange.served = model;
  const output = await model.infer(part);
  const presented = present(output);
  if (context.live) {
    const predictions = model.predictionsOf(output);
    context.live.recordAnswer(call.id, model.version, predictions);
    const shadow = call.shadow ?? call.exchange?.shadow;
    if (shadow) scheduleShadow(call.exchange, shadow, { requestId: call.id, model: model.name, protocol, part, inputs, stable: predictions }, context);
  }
  context.metrics.countRows(model.name, model.version, part.rows);
  context.predictionLog?.append({
    request_id: call.id,
    timestamp: new Date().toISOString(),
    model: model.name,
    version: model.version,
    protocol,
    inputs,
    outputs: logged ? logged(presented) : presented,
    latency_ms: call.exchange?.elapsedMs(),
  });
  return presented;
}

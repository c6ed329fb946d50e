/**
 * What every route of the model server shares: the models, metrics, the prediction log, and one
 * way to run a request's rows and record the outcome.
 */
import type { FastifyRequest } from 'fastify';
import type { FeedPart } from './feed.js';
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
}

/** One inference request, whichever transport brought it. */
export interface InferenceCall {
  /** The id the prediction log (and feedback) use. */
  readonly id: string;
  /** The HTTP request, which is marked with the model that answered it (for its metrics). */
  readonly request?: FastifyRequest | undefined;
}

/**
 * Runs a request's rows on the model, presents the outputs as the protocol answers them, and logs
 * the prediction (inputs as received, outputs as presented). Returns the presented outputs.
 */
const SERVED = Symbol('served model');

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
): Promise<T> {
  if (call.request) (call.request as unknown as Record<symbol, ServedModel>)[SERVED] = model;
  const output = await model.infer(part);
  const presented = present(output);
  context.metrics.rows.inc({ model: model.name, version: model.version }, part.rows);
  context.predictionLog?.append({
    request_id: call.id,
    timestamp: new Date().toISOString(),
    model: model.name,
    version: model.version,
    protocol,
    inputs,
    outputs: presented,
  });
  return presented;
}

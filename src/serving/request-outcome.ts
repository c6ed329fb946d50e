/**
 * What happens once a request is answered, whichever HTTP adapter answered it (the Fastify app's
 * onResponse hook, or the fast path): its metrics, the environment's live window, the prediction
 * log's record of a failure, work left for after the response (a shadow), and the access log line.
 * Also the protocol a URL belongs to, which names the metrics label and the error body's shape.
 */
import type { Logger } from 'pino';
import type { ErrorProtocol } from '../core/index.js';
import { logRequest } from './access-log.js';
import type { ServingContext } from './context.js';
import type { Exchange } from './exchange.js';

export type UrlProtocol = 'v2' | 'mlflow' | 'predict' | 'other';

/** Which protocol a URL belongs to, for the error shape and the metrics label. */
export function protocolOf(rawUrl: string): UrlProtocol {
  const query = rawUrl.indexOf('?');
  const url = query < 0 ? rawUrl : rawUrl.slice(0, query);
  if (url.startsWith('/v2')) return 'v2';
  if (url.endsWith('/invocations') || url.startsWith('/invocations')) return 'mlflow';
  if (url.endsWith('/predict') || url.startsWith('/predict')) return 'predict';
  return 'other';
}

/** The error body each protocol's clients expect (the map itself is core's `errorResponse`). */
export const ERROR_PROTOCOLS: Readonly<Record<UrlProtocol, ErrorProtocol>> = { v2: 'oip', mlflow: 'mlflow-scoring', predict: 'rows', other: 'rows' };

export interface Outcome {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The request as the serving path saw it; undefined for a request refused before one was made. */
  readonly exchange: Exchange | undefined;
  /** The model the URL names, if any (for a request that failed before a model answered). */
  readonly urlModel?: string | undefined;
  /** Milliseconds from the request received to the response sent. */
  readonly ms: number;
}

/** Records an answered request: metrics and analysis for inference requests, and the access log for all. */
export function recordOutcome(context: ServingContext, logger: Logger | undefined, outcome: Outcome): void {
  const protocol = protocolOf(outcome.url);
  const served = outcome.exchange?.served;
  // The model that answered, when one did (its name and the version that answered); otherwise the
  // one named, if it is served: a client cannot grow the metrics with made-up names.
  let model = '';
  if (protocol !== 'other') {
    const named = served?.name ?? outcome.urlModel ?? context.models.defaultName() ?? '';
    model = served || context.models.names().includes(named) ? named : 'unknown';
  }
  if (protocol !== 'other' && outcome.method === 'POST') {
    const version = served?.version ?? servedVersion(context, model);
    context.metrics.countRequest(model, version, protocol, outcome.status, outcome.ms / 1000);
    if (served) context.live?.recordRequest(served.version, outcome.ms, outcome.status >= 500);
    // A failed request is logged too: monitoring's slo check counts it.
    if (outcome.status >= 400 && outcome.exchange) {
      context.predictionLog?.appendError({ request_id: outcome.exchange.id, timestamp: new Date().toISOString(), model, version, protocol, status: outcome.status });
    }
    outcome.exchange?.runAfterResponse();
  }
  logRequest(logger, {
    request_id: outcome.exchange?.id ?? '',
    method: outcome.method,
    url: outcome.url,
    status: outcome.status,
    ms: Math.round(outcome.ms * 100) / 100,
    ...(protocol !== 'other' ? { model, protocol } : {}),
  });
}

function servedVersion(context: ServingContext, model: string): string {
  try {
    return context.models.status(model).version ?? '';
  } catch {
    return '';
  }
}

/**
 * The model server's Fastify app: the protocols, request ids, structured access logs, load
 * shedding, body limits, and errors in each protocol's own shape. Never a 500 for bad input:
 * malformed JSON, a body too large, a wrong content type or a request that does not fit the
 * model's signature get 400, 413 or 415 with a message naming the problem.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isAppError } from '../core/index.js';
import { servedModelOf, type ServingContext } from './context.js';
import { serverOverloaded } from './errors.js';
import { oipV2Routes } from './routes/oip-v2.js';
import { operationRoutes, type MetricsSource } from './routes/operations.js';
import { rowProtocolRoutes } from './routes/row-protocols.js';

export interface ServerOptions {
  /** Largest request body, in bytes (413 beyond). */
  readonly bodyLimit: number;
  /** Requests handled at once; more are refused with 503 and Retry-After. */
  readonly maxInFlight: number;
  /** Access and error logs (pino); undefined for none. */
  readonly logger?: Logger | undefined;
  readonly metricsSource?: MetricsSource;
}

/** Which protocol a URL belongs to, for the error shape and the metrics label. */
function protocolOf(rawUrl: string): 'v2' | 'mlflow' | 'predict' | 'other' {
  const url = rawUrl.split('?')[0]!;
  if (url.startsWith('/v2')) return 'v2';
  if (url.endsWith('/invocations') || url.startsWith('/invocations')) return 'mlflow';
  if (url.endsWith('/predict') || url.startsWith('/predict')) return 'predict';
  return 'other';
}

/** Paths that must answer even when the server sheds load (probes, scrapes). */
const NEVER_SHED = /^\/(v2\/health\/|metrics|ping|health)/;

const MLFLOW_CODES: Readonly<Record<number, string>> = { 400: 'BAD_REQUEST', 404: 'RESOURCE_DOES_NOT_EXIST', 413: 'BAD_REQUEST', 415: 'BAD_REQUEST', 503: 'TEMPORARILY_UNAVAILABLE' };

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string, code: string): FastifyReply {
  switch (protocolOf(request.url)) {
    case 'v2':
      return reply.code(status).send({ error: message });
    case 'mlflow':
      return reply.code(status).send({ error_code: MLFLOW_CODES[status] ?? 'INTERNAL_ERROR', message });
    default:
      return reply.code(status).send({ error: message, code });
  }
}

export function buildServingApp(context: ServingContext, options: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    // A caller's id is kept (and echoed) so its logs and ours, and the prediction log, line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    logger: false,
    return503OnClosing: true,
  });
  const { metrics } = context;
  let inFlight = 0;

  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (NEVER_SHED.test(request.url)) return;
    if (inFlight >= options.maxInFlight) {
      metrics.shed.inc();
      void reply.header('retry-after', '1');
      const error = serverOverloaded({ limit: options.maxInFlight });
      return sendError(request, reply, 503, error.message, error.code);
    }
    inFlight++;
    metrics.inFlight.set(inFlight);
    // On close, not on response: a client that hangs up early never gets a response, and its slot
    // must come back all the same.
    reply.raw.once('close', () => {
      inFlight--;
      metrics.inFlight.set(inFlight);
    });
  });

  app.addHook('onResponse', async (request, reply) => {
    const protocol = protocolOf(request.url);
    // Only served names become label values: a client cannot grow the metrics with made-up names.
    const named = servedModelOf(request) ?? (request.params as { name?: string } | undefined)?.name ?? context.models.defaultName() ?? '';
    const model = context.models.names().includes(named) ? named : 'unknown';
    if (protocol !== 'other' && request.method === 'POST') {
      const version = (() => {
        try {
          return context.models.status(model).version ?? '';
        } catch {
          return '';
        }
      })();
      metrics.requests.inc({ model, version, protocol, status: String(reply.statusCode) });
      metrics.duration.observe({ model, protocol }, reply.elapsedTime / 1000);
    }
    options.logger?.info({ request_id: request.id, method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, ...(protocol !== 'other' ? { model, protocol } : {}) }, 'request');
  });

  app.setErrorHandler((error, request, reply) => {
    if (isAppError(error)) return sendError(request, reply, error.httpStatus, error.message, error.code);
    const fastifyError = error as { statusCode?: number; code?: string; message: string };
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // Read and discard the upload: closing a socket with unread data resets it, and the client
        // would lose the 413 with its explanation.
        request.raw.resume();
      }
      const message =
        fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `The request body is larger than the server accepts (${options.bodyLimit} bytes); split the rows over several requests.`
          : fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? `Unsupported content type "${request.headers['content-type'] ?? ''}": send application/json (or text/csv to /invocations).`
            : /JSON/i.test(fastifyError.message)
              ? `The body is not valid JSON: ${fastifyError.message}.`
              : fastifyError.message;
      return sendError(request, reply, status, message, fastifyError.code ?? 'SLUICE_SERVING_BAD_REQUEST');
    }
    options.logger?.error({ request_id: request.id, err: error }, 'internal error');
    return sendError(request, reply, 500, `Internal error (request ${request.id}); the server log has the details.`, 'SLUICE_INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, `No route ${request.method} ${request.url.split('?')[0]}; see GET /v2/models and the docs for the endpoints.`, 'SLUICE_SERVING_NO_ROUTE'));

  oipV2Routes(app, context);
  rowProtocolRoutes(app, context);
  operationRoutes(app, context, options.metricsSource ?? (async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() })));
  return app;
}

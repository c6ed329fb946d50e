/**
 * The model server's Fastify app: the protocols, request ids, structured access logs, load
 * shedding, body limits, and errors in each protocol's own shape. Never a 500 for bad input:
 * malformed JSON, a body too large, a wrong content type or a request that does not fit the
 * model's signature get 400, 413 or 415 with a message naming the problem.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorResponse, type ErrorProtocol } from '../core/index.js';
import { logRequest } from './access-log.js';
import { keepReply, servedModelOf, type ServingContext } from './context.js';
import { routeNotFound, serverOverloaded } from './errors.js';
import { runAfterResponse } from './model-router.js';
import { HEADER_LENGTH } from './binary-tensors.js';
import { InFlightLimit } from './in-flight.js';
import { environmentRoutes } from './routes/environment.js';
import { oipV2Routes } from './routes/oip-v2.js';
import { keepJsonBodyText } from './raw-json.js';
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
  /** More series in the text format, appended to /metrics (an environment's monitor gauges). */
  readonly extraMetrics?: (() => Promise<string>) | undefined;
  /** The in-flight bound, when shared with another transport (gRPC); else one of `maxInFlight`. */
  readonly inFlight?: InFlightLimit | undefined;
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

/** The error body each protocol's clients expect (the map itself is core's `errorResponse`). */
const ERROR_PROTOCOLS: Readonly<Record<ReturnType<typeof protocolOf>, ErrorProtocol>> = { v2: 'oip', mlflow: 'mlflow-scoring', predict: 'rows', other: 'rows' };

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
    // Registered model names may be 256 characters long (Fastify's default allows 100 in a path
    // part). A router option: given at the top level, Fastify 5 prints a deprecation warning.
    routerOptions: { maxParamLength: 512 },
  });
  const { metrics } = context;
  const inFlight = options.inFlight ?? new InFlightLimit(options.maxInFlight, metrics);

  keepJsonBodyText(app);
  // Only CSV is read as text (MLflow's scoring server answers 415 to text/plain); without this,
  // Fastify's own text/plain parser hands the body over as a string, which reads as CSV.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // The binary tensor data extension of v2: a JSON header, then raw tensor bytes.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Triton reads a binary request whatever its content type, and tritonclient.http sends none:
  // any body with Inference-Header-Content-Length is read as bytes. Other types are refused as
  // Fastify refuses them (its code, so the one error map answers 415 as for any other type).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (request.headers[HEADER_LENGTH] !== undefined) return done(null, body);
    done(Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }));
  });

  // The hooks take Fastify's callback form, not async functions: they run on every request, and
  // the callback form saves a promise per hook per request.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    keepReply(request, reply);
    if (NEVER_SHED.test(request.url)) return done();
    if (!inFlight.tryEnter()) {
      void reply.header('retry-after', '1');
      sendError(serverOverloaded({ limit: inFlight.limit }), request, reply);
      return;
    }
    // On close, not on response: a client that hangs up early never gets a response, and its slot
    // must come back all the same.
    reply.raw.once('close', () => inFlight.leave());
    done();
  });

  // Every answer names the version that gave it (an environment routes between versions).
  app.addHook('onSend', (request, reply, payload, done) => {
    const version = servedModelOf(request)?.version;
    if (version !== undefined) void reply.header('x-sluice-model-version', version);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const protocol = protocolOf(request.url);
    // The model that answered, when one did (its name and the version that answered); otherwise the
    // one named, if it is served: a client cannot grow the metrics with made-up names.
    const served = servedModelOf(request);
    const named = served?.name ?? (request.params as { name?: string } | undefined)?.name ?? context.models.defaultName() ?? '';
    const model = served || context.models.names().includes(named) ? named : 'unknown';
    if (protocol !== 'other' && request.method === 'POST') {
      const version =
        served?.version ??
        (() => {
          try {
            return context.models.status(model).version ?? '';
          } catch {
            return '';
          }
        })();
      metrics.requests.inc({ model, version, protocol, status: String(reply.statusCode) });
      metrics.duration.observe({ model, version, protocol }, reply.elapsedTime / 1000);
      if (served) context.live?.recordRequest(served.version, reply.elapsedTime, reply.statusCode >= 500);
      // A failed request is logged too: monitoring's slo check counts it.
      if (reply.statusCode >= 400) context.predictionLog?.appendError({ request_id: String(request.id), timestamp: new Date().toISOString(), model, version, protocol, status: reply.statusCode });
      runAfterResponse(request);
    }
    logRequest(options.logger, { request_id: String(request.id), method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, ...(protocol !== 'other' ? { model, protocol } : {}) });
    done();
  });

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const response = errorResponse(error, ERROR_PROTOCOLS[protocolOf(request.url)], request.id, {
      bodyLimit: options.bodyLimit,
      contentType: request.headers['content-type'],
      contentTypes: 'application/json (or text/csv to /invocations, application/octet-stream to /v2/models/NAME/infer)',
    });
    // Read and discard an upload refused for its size: closing a socket with unread data resets
    // it, and the client would lose the 413 with its explanation.
    if (response.status === 413) request.raw.resume();
    if (response.logged) options.logger?.error({ request_id: request.id, err: error }, 'internal error');
    return reply.code(response.status).send(response.body);
  }

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(routeNotFound({ method: request.method, path: request.url.split('?')[0]! }), request, reply));

  oipV2Routes(app, context);
  rowProtocolRoutes(app, context);
  if (context.router) environmentRoutes(app, context.router);
  operationRoutes(app, context, withExtraMetrics(options.metricsSource ?? (async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() })), options.extraMetrics));
  return app;
}

/** The metrics source, with more series appended when there are some. */
function withExtraMetrics(source: MetricsSource, extra: (() => Promise<string>) | undefined): MetricsSource {
  if (!extra) return source;
  return async () => {
    const own = await source();
    return { contentType: own.contentType, body: `${own.body}\n${await extra()}` };
  };
}

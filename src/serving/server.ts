/**
 * The model server's Fastify app: the protocols, request ids, structured access logs, load
 * shedding, body limits, and errors in each protocol's own shape. Never a 500 for bad input:
 * malformed JSON, a body too large, a wrong content type or a request that does not fit the
 * model's signature get 400, 413 or 415 with a message naming the problem.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorResponse } from '../core/index.js';
import type { ServingContext } from './context.js';
import { routeNotFound, serverOverloaded } from './errors.js';
import { attachExchange, exchangeOf, requestIdOf } from './exchange.js';
import { hotPath } from './hot-path.js';
import { ERROR_PROTOCOLS, protocolOf, recordOutcome } from './request-outcome.js';
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

/** Paths that must answer even when the server sheds load (probes, scrapes). */
const NEVER_SHED = /^\/(v2\/health\/|metrics|ping|health)/;

/** The content types the inference endpoints read, named in a 415 message. */
const CONTENT_TYPES = 'application/json (or text/csv to /invocations, application/octet-stream to /v2/models/NAME/infer)';

export function buildServingApp(context: ServingContext, options: ServerOptions): FastifyInstance {
  const { metrics } = context;
  const inFlight = options.inFlight ?? new InFlightLimit(options.maxInFlight, metrics);
  let closing = false;
  const hot = hotPath(context, { bodyLimit: options.bodyLimit, logger: options.logger, inFlight, closing: () => closing, contentTypes: CONTENT_TYPES });
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    genReqId: (request) => requestIdOf(request.headers),
    logger: false,
    return503OnClosing: true,
    // Registered model names may be 256 characters long (Fastify's default allows 100 in a path
    // part). A router option: given at the top level, Fastify 5 prints a deprecation warning.
    routerOptions: { maxParamLength: 512 },
  });
  // The hot inference requests are answered before the app sees them (hot-path.ts). The app's own
  // server keeps its settings and its binds (with serverFactory, Fastify would listen on one
  // address of `localhost` instead of each); only its request listener is put behind the hot path.
  const [appListener] = app.server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  if (appListener === undefined) throw new Error('the Fastify app has no request listener to put behind the hot path');
  app.server.removeListener('request', appListener);
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!hot(request, response)) appListener(request, response);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

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
    attachExchange(request, performance.now() - reply.elapsedTime);
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
    const version = exchangeOf(request).served?.version;
    if (version !== undefined) void reply.header('x-sluice-model-version', version);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const urlModel = (request.params as { name?: string } | undefined)?.name;
    recordOutcome(context, options.logger, { method: request.method, url: request.url, status: reply.statusCode, exchange: exchangeOf(request), urlModel, ms: reply.elapsedTime });
    done();
  });

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const response = errorResponse(error, ERROR_PROTOCOLS[protocolOf(request.url)], request.id, {
      bodyLimit: options.bodyLimit,
      contentType: request.headers['content-type'],
      contentTypes: CONTENT_TYPES,
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

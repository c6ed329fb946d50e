/**
 * The hot path: `POST /predict`, `/models/NAME/predict` and `/v2/models/NAME[/versions/V]/infer`
 * with a JSON body, answered straight from node:http, in front of the Fastify app on the same
 * server. Everything else, and any request out of the ordinary (a chunked or empty body, a body
 * over the limit, another content type, binary tensors, a query string, a full server, a server
 * closing), goes to the app, which answers it as before.
 *
 * Why by hand: profiled under load, Fastify's per-request machinery (routing, hooks, the reply,
 * the body parser's stream handling) took about a fifth of a single-row request's time, the most
 * after the kernel's send. Here a request costs what the protocol needs. It answers exactly as the
 * app does: the same answers (inference-answers.ts), the same error bodies and statuses (core's
 * error map, Fastify's own errors for unreadable JSON), the same headers, metrics and logs
 * (request-outcome.ts); a test holds the two paths equal request for request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCodes } from 'fastify';
import type { Logger } from 'pino';
import sjson from 'secure-json-parse';
import { errorResponse } from '../core/index.js';
import type { ServingContext } from './context.js';
import { Exchange, requestIdOf } from './exchange.js';
import type { InFlightLimit } from './in-flight.js';
import { answerPredict, answerV2 } from './inference-answers.js';
import { ERROR_PROTOCOLS, recordOutcome, type UrlProtocol } from './request-outcome.js';

export interface HotPathOptions {
  readonly bodyLimit: number;
  readonly logger: Logger | undefined;
  readonly inFlight: InFlightLimit;
  /** True once the server is closing: the app then answers 503, as Fastify does. */
  readonly closing: () => boolean;
  /** The content types the server reads, named in a 415 message. */
  readonly contentTypes: string;
}

/** A request the hot path takes: which endpoint, and the names in its URL. */
interface Route {
  readonly protocol: Extract<UrlProtocol, 'predict' | 'v2'>;
  readonly model: string | undefined;
  readonly version: string | undefined;
}

/** Path parameters as Fastify reads them (percent-decoded, at most 512 characters: `maxParamLength`). */
function parameter(text: string): string | undefined {
  if (text.length === 0 || text.length > 512) return undefined;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The route of a URL the hot path answers, else undefined. */
function routeOf(url: string): Route | undefined {
  if (url === '/predict') return { protocol: 'predict', model: undefined, version: undefined };
  const parts = url.split('/');
  // ['', 'models', NAME, 'predict']
  if (parts.length === 4 && parts[1] === 'models' && parts[3] === 'predict') {
    const model = parameter(parts[2]!);
    return model === undefined ? undefined : { protocol: 'predict', model, version: undefined };
  }
  // ['', 'v2', 'models', NAME, 'infer'] or ['', 'v2', 'models', NAME, 'versions', V, 'infer']
  if (parts[1] !== 'v2' || parts[2] !== 'models' || parts[parts.length - 1] !== 'infer') return undefined;
  if (parts.length === 5) {
    const model = parameter(parts[3]!);
    return model === undefined ? undefined : { protocol: 'v2', model, version: undefined };
  }
  if (parts.length === 7 && parts[4] === 'versions') {
    const model = parameter(parts[3]!);
    const version = parameter(parts[5]!);
    return model === undefined || version === undefined ? undefined : { protocol: 'v2', model, version };
  }
  return undefined;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** The body's length when the hot path can read it: declared, not chunked, within the limit, not empty. */
function bodyLength(request: IncomingMessage, limit: number): number | undefined {
  const declared = request.headers['content-length'];
  if (declared === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const length = Number(declared);
  return Number.isInteger(length) && length > 0 && length <= limit ? length : undefined;
}

/** JSON as Fastify's default parser reads it: `__proto__` and `constructor.prototype` refused; any failure is its invalid-JSON error. */
function parseJson(text: string): unknown {
  try {
    return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
}

/**
 * A request listener that answers the hot endpoints and returns true, or returns false (having
 * read nothing) for the app to answer.
 */
export function hotPath(context: ServingContext, options: HotPathOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { inFlight, logger } = options;

  function send(response: ServerResponse, exchange: Exchange, status: number, contentType: string, body: string | Buffer, extra?: Record<string, string>): void {
    const headers: Record<string, string | number> = { 'content-type': contentType, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length, 'x-request-id': exchange.id, ...extra };
    // Every answer names the version that gave it (an environment routes between versions).
    if (exchange.served) headers['x-sluice-model-version'] = exchange.served.version;
    response.writeHead(status, headers).end(body);
  }

  function sendError(response: ServerResponse, exchange: Exchange, route: Route, request: IncomingMessage, error: unknown): void {
    const answer = errorResponse(error, ERROR_PROTOCOLS[route.protocol], exchange.id, { bodyLimit: options.bodyLimit, contentType: request.headers['content-type'], contentTypes: options.contentTypes });
    if (answer.logged) logger?.error({ request_id: exchange.id, err: error }, 'internal error');
    send(response, exchange, answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.body));
  }

  /** Records the outcome once the response is sent, as the app's onResponse does (not for a client gone before it). */
  function recordWhenSent(request: IncomingMessage, response: ServerResponse, exchange: Exchange, route: Route): void {
    response.once('finish', () => {
      try {
        recordOutcome(context, logger, { method: 'POST', url: request.url!, status: response.statusCode, exchange, urlModel: route.model, ms: exchange.elapsedMs() });
      } catch (error) {
        // Bookkeeping must not take the server down: the answer is already sent.
        logger?.error({ request_id: exchange.id, err: error }, 'recording an answered request failed');
      }
    });
  }

  async function answer(request: IncomingMessage, response: ServerResponse, exchange: Exchange, route: Route, text: string): Promise<void> {
    recordWhenSent(request, response, exchange, route);
    try {
      const body = parseJson(text);
      if (route.protocol === 'predict') {
        const answered = await answerPredict(context, exchange, route.model, body, text);
        send(response, exchange, 200, 'application/json; charset=utf-8', answered);
      } else {
        const answered = await answerV2(context, exchange, route.model!, route.version, body, text);
        if ('json' in answered) send(response, exchange, 200, 'application/json; charset=utf-8', JSON.stringify(answered.json));
        else send(response, exchange, 200, 'application/octet-stream', answered.binary.body, { 'inference-header-content-length': String(answered.binary.headerLength) });
      }
    } catch (error) {
      if (!response.headersSent) sendError(response, exchange, route, request, error);
    }
  }

  return (request, response) => {
    if (request.method !== 'POST' || options.closing()) return false;
    const route = routeOf(request.url!);
    if (route === undefined) return false;
    const type = request.headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type) || request.headers['inference-header-content-length'] !== undefined) return false;
    const length = bodyLength(request, options.bodyLimit);
    // A full server: the app sheds the request (503, Retry-After) and counts it.
    if (length === undefined || inFlight.full()) return false;
    const started = performance.now();
    inFlight.tryEnter();
    // On close, not on finish: a client that hangs up early never gets a response, and its slot must come back all the same.
    response.once('close', () => inFlight.leave());
    const exchange = new Exchange(requestIdOf(request.headers), request.headers, started);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      answer(request, response, exchange, route, text).catch((error: unknown) => {
        // Only a failure to write the answer lands here (the socket gone, say): logged, never a crash.
        logger?.error({ request_id: exchange.id, err: error }, 'answering a request failed');
        if (!response.headersSent) response.destroy();
      });
    });
    return true;
  };
}

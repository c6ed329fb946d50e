/**
 * Errors as the tracking server's HTTP responses: the route's protocol (MLflow's REST API or
 * Sluice's) picks the shape through the one map in `core/error-response.ts`. Unexpected errors
 * are logged with the request id and answered with that id only.
 */
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, type ErrorProtocol } from '../core/index.js';
import { invalidRequest } from './errors.js';

/** MLflow's API lives under /api/2.0 (and /ajax-api/2.0); everything else is Sluice's. */
export function protocolOf(url: string): ErrorProtocol {
  return /^\/(ajax-)?api\/2\.0\//.test(url) ? 'mlflow' : 'sluice';
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const response = errorResponse(error, protocolOf(request.url), request.id, { contentType: request.headers['content-type'], contentTypes: 'application/json' });
  if (response.logged) request.log.error({ err: error }, 'request failed');
  return reply.status(response.status).type('application/json').send(response.body);
}

/** What Node's HTTP parser reports on a request it cannot read, by its error code. */
const CLIENT_ERRORS: Readonly<Record<string, { status: string; problem: string }>> = {
  HPE_HEADER_OVERFLOW: { status: '431 Request Header Fields Too Large', problem: 'The request line and headers are larger than the server reads (16 KiB): shorten the URL (long filters go in the body of a POST search) or the headers.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: '408 Request Timeout', problem: 'The request did not arrive whole in time.' },
};

/**
 * Fastify's clientErrorHandler: a request Node's parser cannot read (malformed HTTP, headers too
 * large) gets the API's error shape, not Fastify's own; a connection already gone gets nothing.
 */
export function sendClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: '400 Bad Request', problem: 'The request is not valid HTTP/1.1.' };
  const body = JSON.stringify(errorResponse(invalidRequest({ problem: known.problem }), 'sluice', 'client-error').body);
  if (socket.writable) socket.write(`HTTP/1.1 ${known.status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(error);
}

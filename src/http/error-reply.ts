/**
 * Errors as the tracking server's HTTP responses: the route's protocol (MLflow's REST API or
 * Sluice's) picks the shape through the one map in `core/error-response.ts`. Unexpected errors
 * are logged with the request id and answered with that id only.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, type ErrorProtocol } from '../core/index.js';

/** MLflow's API lives under /api/2.0 (and /ajax-api/2.0); everything else is Sluice's. */
export function protocolOf(url: string): ErrorProtocol {
  return /^\/(ajax-)?api\/2\.0\//.test(url) ? 'mlflow' : 'sluice';
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const response = errorResponse(error, protocolOf(request.url), request.id, { contentType: request.headers['content-type'], contentTypes: 'application/json' });
  if (response.logged) request.log.error({ err: error }, 'request failed');
  return reply.status(response.status).type('application/json').send(response.body);
}

/**
 * Errors as HTTP responses, in MLflow's shape `{"error_code", "message"}` (plus Sluice's code
 * and hint, which MLflow clients ignore). No stack trace or internal detail ever reaches a
 * response: unexpected errors are logged with the request id and answered with that id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type AppError, type ErrorKind } from '../core/index.js';

/** MLflow's error code and HTTP status for each kind (statuses as MLflow's server sends them). */
const MLFLOW_ERRORS: Readonly<Record<ErrorKind, { code: string; status: number }>> = {
  invalid_input: { code: 'INVALID_PARAMETER_VALUE', status: 400 },
  not_found: { code: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  already_exists: { code: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  // MLflow sends INVALID_STATE as 500, which clients retry; a clash with state is not worth retrying.
  conflict: { code: 'INVALID_STATE', status: 400 },
  unauthenticated: { code: 'UNAUTHENTICATED', status: 401 },
  permission_denied: { code: 'PERMISSION_DENIED', status: 403 },
  check_failed: { code: 'BAD_REQUEST', status: 400 },
  unavailable: { code: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  internal: { code: 'INTERNAL_ERROR', status: 500 },
};

export interface ErrorBody {
  readonly error_code: string;
  readonly message: string;
  readonly sluice_code?: string;
  readonly hint?: string;
}

/** Errors whose MLflow code is more specific than their kind's. */
const CODE_OVERRIDES: Readonly<Record<string, string>> = {
  // MLflow clients fall back to another method on ENDPOINT_NOT_FOUND (get-latest-versions).
  SLUICE_HTTP_ENDPOINT_NOT_FOUND: 'ENDPOINT_NOT_FOUND',
};

export function appErrorBody(error: AppError): { status: number; body: ErrorBody } {
  const { status } = MLFLOW_ERRORS[error.kind];
  const code = CODE_OVERRIDES[error.code] ?? MLFLOW_ERRORS[error.kind].code;
  return { status, body: { error_code: code, message: error.message, sluice_code: error.code, ...(error.hint ? { hint: error.hint } : {}) } };
}

/** Fastify's own request errors (bad JSON, too large, wrong content type) in the same shape. */
function fastifyErrorBody(error: FastifyError): { status: number; body: ErrorBody } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `The request body is larger than the server's limit: ${error.message}.` } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'The request body does not match its Content-Length.' } };
    default:
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? { status: error.statusCode, body: { error_code: 'BAD_REQUEST', message: error.message } }
        : undefined;
  }
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = isAppError(error) ? appErrorBody(error) : fastifyErrorBody(error as FastifyError);
  if (known) {
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(known.status).type('application/json').send(known.body);
  }
  request.log.error({ err: error }, 'internal error');
  return reply
    .status(500)
    .type('application/json')
    .send({ error_code: 'INTERNAL_ERROR', message: `Internal error (request ${request.id}); the server log has the details. Please report it.` });
}

/**
 * The one map from errors to responses, for both Fastify apps (the tracking server and the model
 * server) and the model server's gRPC service: the HTTP status and body shape per protocol, and
 * the gRPC status code. A catalogued {@link AppError} answers
 * with its message, code and hint; a framework error (body too large, wrong content type, bad
 * JSON) is first turned into a catalogued error, so no framework code reaches a client; anything
 * else is an internal error answered with the request id only, never a stack or internal detail.
 */
import { AppError, isAppError, type ErrorKind } from './app-error.js';
import { internalError, requestBodyTooLarge, requestNotReadable, unsupportedContentType } from './errors.js';

/** The API families Sluice speaks, each with its own error body. */
export type ErrorProtocol =
  /** MLflow's REST API 2.0: `{error_code, message}` with MLflow's codes and statuses. */
  | 'mlflow'
  /** Sluice's own JSON API: the same body, with the status the kind calls for. */
  | 'sluice'
  /** The Open Inference Protocol v2: `{error}`. */
  | 'oip'
  /** MLflow's scoring protocol (`/invocations`): `{error_code, message}`. */
  | 'mlflow-scoring'
  /** `/predict` and the model server's other endpoints: `{error, code}`. */
  | 'rows';

export interface ErrorResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** True for 5xx answers: the server should log the error with the request id. */
  readonly logged: boolean;
}

/** The status of each kind, as REST intends it (Sluice's API, the model server). */
const STATUSES: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  already_exists: 409,
  unauthenticated: 401,
  permission_denied: 403,
  check_failed: 422,
  unavailable: 503,
  too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
};

/** MLflow's error code for each kind, and the status MLflow's server sends where it differs. */
const MLFLOW: Readonly<Record<ErrorKind, { readonly code: string; readonly status?: number }>> = {
  invalid_input: { code: 'INVALID_PARAMETER_VALUE' },
  not_found: { code: 'RESOURCE_DOES_NOT_EXIST' },
  already_exists: { code: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  // MLflow sends INVALID_STATE as 500, which clients retry; a clash with state is not worth retrying.
  conflict: { code: 'INVALID_STATE', status: 400 },
  unauthenticated: { code: 'UNAUTHENTICATED' },
  permission_denied: { code: 'PERMISSION_DENIED' },
  check_failed: { code: 'BAD_REQUEST', status: 400 },
  unavailable: { code: 'TEMPORARILY_UNAVAILABLE' },
  too_large: { code: 'INVALID_PARAMETER_VALUE' },
  unsupported_media_type: { code: 'INVALID_PARAMETER_VALUE', status: 400 },
  internal: { code: 'INTERNAL_ERROR' },
};

/**
 * The gRPC status code of each kind (the numbers are gRPC's, fixed by its specification:
 * grpc/doc/statuscodes.md), as KServe's and Triton's gRPC servers answer: INVALID_ARGUMENT for a
 * bad request, NOT_FOUND for an unknown model, UNAVAILABLE when overloaded or not ready.
 */
export const GRPC_STATUS = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const GRPC_CODES: Readonly<Record<ErrorKind, number>> = {
  invalid_input: GRPC_STATUS.INVALID_ARGUMENT,
  not_found: GRPC_STATUS.NOT_FOUND,
  conflict: GRPC_STATUS.FAILED_PRECONDITION,
  already_exists: GRPC_STATUS.ALREADY_EXISTS,
  unauthenticated: GRPC_STATUS.UNAUTHENTICATED,
  permission_denied: GRPC_STATUS.PERMISSION_DENIED,
  check_failed: GRPC_STATUS.FAILED_PRECONDITION,
  unavailable: GRPC_STATUS.UNAVAILABLE,
  too_large: GRPC_STATUS.RESOURCE_EXHAUSTED,
  unsupported_media_type: GRPC_STATUS.INVALID_ARGUMENT,
  internal: GRPC_STATUS.INTERNAL,
};

/** Errors whose MLflow code is more specific than their kind's. */
const MLFLOW_CODE_OVERRIDES: Readonly<Record<string, string>> = {
  // MLflow clients fall back to another method on ENDPOINT_NOT_FOUND (get-latest-versions).
  SLUICE_HTTP_ENDPOINT_NOT_FOUND: 'ENDPOINT_NOT_FOUND',
};

/** What a framework error looks like: Fastify's `FST_ERR_*` errors carry a code and a 4xx status. */
interface FrameworkError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

export interface FrameworkContext {
  /** The body limit in bytes, named in the 413 message. */
  readonly bodyLimit?: number | undefined;
  /** The content types the endpoint reads, named in the 415 message. */
  readonly contentTypes?: string | undefined;
  readonly contentType?: string | undefined;
}

/**
 * A web framework's request error as a catalogued error, or undefined when it is not a client
 * error (then it is a bug). Fastify names its errors by code; these three are all a client can
 * cause, and anything else with a 4xx status is a request the framework could not read.
 */
export function fromFrameworkError(error: unknown, context: FrameworkContext = {}): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode, message } = error as FrameworkError;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return requestBodyTooLarge({ limit: context.bodyLimit });
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return unsupportedContentType({ given: context.contentType ?? '', accepted: context.contentTypes ?? 'application/json' });
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const text = typeof message === 'string' ? message : 'the request could not be read';
    return requestNotReadable({ reason: /JSON/i.test(text) ? `the body is not valid JSON: ${text}` : text });
  }
  return undefined;
}

/** The error as an answer in `protocol`'s shape. */
export function errorResponse(error: unknown, protocol: ErrorProtocol, requestId: string, context: FrameworkContext = {}): ErrorResponse {
  const known = isAppError(error) ? error : fromFrameworkError(error, context);
  const app = known ?? internalError({ requestId });
  const status = protocol === 'mlflow' ? (MLFLOW[app.kind].status ?? STATUSES[app.kind]) : STATUSES[app.kind];
  return { status, body: bodyOf(app, protocol), logged: known === undefined || status >= 500 };
}

function bodyOf(error: AppError, protocol: ErrorProtocol): Record<string, unknown> {
  switch (protocol) {
    case 'mlflow':
    case 'sluice':
      return {
        error_code: MLFLOW_CODE_OVERRIDES[error.code] ?? MLFLOW[error.kind].code,
        message: error.message,
        sluice_code: error.code,
        ...(error.hint ? { hint: error.hint } : {}),
      };
    case 'mlflow-scoring':
      // MLflow's scoring server answers a request it cannot read or score with BAD_REQUEST.
      return { error_code: error.kind === 'invalid_input' ? 'BAD_REQUEST' : MLFLOW[error.kind].code, message: error.message };
    case 'oip':
      return { error: error.message };
    case 'rows':
      return { error: error.message, code: error.code };
  }
}

export interface GrpcErrorResponse {
  /** The gRPC status code. */
  readonly code: number;
  /** The status message: the catalogued error's message (never a stack or internal detail). */
  readonly details: string;
  /** The HTTP status the same error gets over REST (the metrics' status label). */
  readonly httpStatus: number;
  /** True for internal and unavailable errors: the server should log the error with the request id. */
  readonly logged: boolean;
}

/** The error as a gRPC status: a catalogued error's message, anything else an internal error. */
export function grpcErrorResponse(error: unknown, requestId: string): GrpcErrorResponse {
  const known = isAppError(error) ? error : undefined;
  const app = known ?? internalError({ requestId });
  const httpStatus = STATUSES[app.kind];
  return { code: GRPC_CODES[app.kind], details: app.message, httpStatus, logged: known === undefined || httpStatus >= 500 };
}

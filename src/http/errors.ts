/** Errors of the HTTP server and its requests. */
import { defineError } from '../core/index.js';

export const invalidRequest = defineError<{ problem: string }>('SLUICE_HTTP_INVALID_REQUEST', {
  kind: 'invalid_input',
  description: 'An HTTP request body or query is malformed: not JSON, a missing field, a value of the wrong type.',
  message: ({ problem }) => problem,
  hint: () => 'GET /openapi.json describes every endpoint and its parameters.',
});

export const unauthenticated = defineError<{ reason: string }>('SLUICE_HTTP_UNAUTHENTICATED', {
  kind: 'unauthenticated',
  description: 'A request to a server with access control came without a valid token.',
  message: ({ reason }) => `You are not authenticated: ${reason}.`,
  hint: () => 'Send `Authorization: Bearer <token>` (MLflow clients: set MLFLOW_TRACKING_TOKEN). An admin creates tokens with `sluice token create --role editor`.',
});

export const permissionDenied = defineError<{ role: string; needed: string; action: string }>('SLUICE_HTTP_PERMISSION_DENIED', {
  kind: 'permission_denied',
  description: "A token's role does not allow the request (a reader writing, an editor managing tokens).",
  message: ({ role, needed, action }) => `Permission denied: ${action} needs the ${needed} role; this token is a ${role}.`,
  hint: () => 'Ask an admin for a token with the needed role (`sluice token create --role editor`).',
});

export const insecureListen = defineError<{ host: string }>('SLUICE_HTTP_INSECURE_LISTEN', {
  kind: 'invalid_input',
  description: 'The server was asked to listen beyond loopback without any access control.',
  message: ({ host }) => `Refusing to listen on ${host} without authentication: anyone who can reach it could change the registry.`,
  hint: () => 'Create a token first (`sluice token create --role admin`), or set SLUICE_TOKEN, or pass --insecure if the network is trusted.',
});

export const endpointNotFound = defineError<{ method: string; path: string }>('SLUICE_HTTP_ENDPOINT_NOT_FOUND', {
  kind: 'not_found',
  description: 'No API endpoint matches the request method and path.',
  message: ({ method, path }) => `No endpoint ${method} ${path}.`,
  hint: () => 'GET /openapi.json lists the endpoints.',
});

export const tokenNotFound = defineError<{ id: string }>('SLUICE_HTTP_TOKEN_NOT_FOUND', {
  kind: 'not_found',
  description: 'No API token has the given id.',
  message: ({ id }) => `No token with id ${id}.`,
  hint: () => 'List tokens with `sluice token list`.',
});

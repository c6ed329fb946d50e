/** Errors of the HTTP server and its requests. */
import { defineError } from '../core/index.js';

export const invalidRequest = defineError<{ problem: string }>('SLUICE_HTTP_INVALID_REQUEST', {
  kind: 'invalid_input',
  description: 'An HTTP request body or query is malformed: not JSON, a missing field, a value of the wrong type.',
  message: ({ problem }) => problem,
  hint: () => 'GET /openapi.json describes every endpoint and its parameters.',
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

export const notATrackedTable = defineError<{ target: string }>('SLUICE_HTTP_NOT_A_TRACKED_TABLE', {
  kind: 'not_found',
  description: 'A data profile was asked of a path that is not a tracked table file present in the server\'s workspace.',
  message: ({ target }) => `"${target}" is not a tracked table (CSV, Parquet or JSON lines) in this workspace's working copy.`,
  hint: () => 'Profile one of the paths GET /api/sluice/v1/data lists with "table": true and "present": true.',
});

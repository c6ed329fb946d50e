/** Errors of access control: tokens and roles. */
import { defineError } from '../core/index.js';

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

export const tokenNotFound = defineError<{ id: string }>('SLUICE_HTTP_TOKEN_NOT_FOUND', {
  kind: 'not_found',
  description: 'No API token has the given id.',
  message: ({ id }) => `No token with id ${id}.`,
  hint: () => 'List tokens with `sluice token list`.',
});

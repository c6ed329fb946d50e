/**
 * @module access
 * Who may use a Sluice server: API tokens (stored as hashes), roles, resolving a credential to a
 * principal, and the audited operations that manage tokens.
 */
export { ROLES, roleAllows, type Principal, type Role } from './roles.js';
export { TokenStore, sameSecret, type ApiToken } from './token-store.js';
export { Authenticator, type AuthSettings } from './authenticator.js';
export { createAccessService, type AccessService, type AuditSink } from './access-service.js';
export { permissionDenied, tokenNotFound, unauthenticated } from './errors.js';

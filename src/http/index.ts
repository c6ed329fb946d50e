/**
 * @module http
 * The Sluice server: MLflow's REST API 2.0 and proxied artifacts, Sluice's own API, OpenAPI, and
 * token access control. An adapter over the workspace services, like the CLI.
 */
export { ALL_ROUTES, buildApp, type AppOptions } from './app.js';
export { isLoopback, openTokenStore, startServer, type ServerOptions } from './server.js';
export { TokenStore, type ApiToken } from './auth/token-store.js';
export { ROLES, roleAllows, type Principal, type Role } from './auth/roles.js';
export { buildOpenApiDocument } from './openapi.js';
export { insecureListen, invalidRequest, permissionDenied, tokenNotFound, unauthenticated } from './errors.js';

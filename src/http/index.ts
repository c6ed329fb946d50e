/**
 * @module http
 * The Sluice server: MLflow's REST API 2.0 and proxied artifacts, Sluice's own API, OpenAPI, and
 * token access control. An adapter over the workspace services, like the CLI.
 */
export { ALL_ROUTES, buildApp, type AppOptions } from './app.js';
export { isLoopback, startServer, type ServerOptions } from './server.js';
export { buildOpenApiDocument } from './openapi.js';
export { insecureListen, invalidRequest } from './errors.js';

/**
 * The Fastify app: MLflow's REST API 2.0 and proxied artifacts, Sluice's API, `/openapi.json`,
 * `/health`, with bearer-token access control and MLflow-shaped errors. Built over the same
 * services as the CLI.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { WorkspaceServices } from '../workspace/index.js';
import { Authenticator, type Role } from '../access/index.js';
import { endpointNotFound, invalidRequest } from './errors.js';
import { sendClientError, sendError } from './error-reply.js';
import { artifactRoutes } from './mlflow/artifact-routes.js';
import { parseRequest } from './mlflow/fields.js';
import { registryRoutes } from './mlflow/registry-routes.js';
import { trackingRoutes } from './mlflow/tracking-routes.js';
import { buildOpenApiDocument } from './openapi.js';
import type { JsonRoute, RequestContext } from './route.js';
import { clientRoutes } from './sluice/client-routes.js';
import { deployRoutes } from './sluice/deploy-routes.js';
import { monitorRoutes } from './sluice/monitor-routes.js';
import { pipelineRoutes } from './sluice/pipeline-routes.js';
import { dataRoutes } from './sluice/data-routes.js';
import { sluiceRoutes } from './sluice/sluice-routes.js';
import { isUiPath, registerUi } from './ui-static.js';

export interface AppOptions {
  readonly services: WorkspaceServices;
  /** A static admin token (SLUICE_TOKEN). */
  readonly envToken?: string | undefined;
  /** Largest JSON body accepted (MLflow's log-batch allows 1 MB). */
  readonly bodyLimit?: number;
  readonly maxUploadBytes?: number;
  /** Pino logger options, or false for none (tests). */
  readonly logger?: boolean | Record<string, unknown>;
  readonly version: string;
}

export const ALL_ROUTES: readonly JsonRoute[] = [...trackingRoutes, ...registryRoutes, ...sluiceRoutes, ...clientRoutes, ...deployRoutes, ...monitorRoutes, ...pipelineRoutes, ...dataRoutes];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // Request ids in logs and in internal-error messages, so a user's report finds the log line.
    genReqId: () => Math.random().toString(36).slice(2, 10),
    clientErrorHandler: sendClientError,
  });
  const authenticator = new Authenticator({ tokens: options.services.tokens, envToken: options.envToken });

  async function authorize(request: FastifyRequest, role: Role): Promise<RequestContext> {
    const action = `${request.method} ${request.url.split('?')[0]}`;
    const principal = await authenticator.authorize(request.headers.authorization, role, action);
    const actor = { name: principal.name, origin: `http: ${action} from ${request.ip}` };
    const { services } = options;
    // Token management is built only for the few requests that manage tokens.
    return { services, principal, actor, registry: services.registry(actor), get access() { return services.access(actor); } };
  }

  // MLflow clients send empty bodies and, in old versions, JSON encoded twice; both are accepted as MLflow does.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      let parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') parsed = JSON.parse(parsed);
      done(null, parsed);
    } catch (error) {
      done(invalidRequest({ problem: `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.` }), undefined);
    }
  });

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  let uiBuilt = false;
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Client-side routes of the web UI get its index.html; the API keeps its MLflow-shaped 404.
    if (uiBuilt && isUiPath(request.method, path)) return reply.type('text/html').sendFile('index.html');
    return sendError(endpointNotFound({ method: request.method, path }), request, reply);
  });

  for (const route of ALL_ROUTES) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request) => {
        const context = await authorize(request, route.role);
        const params = request.params as Record<string, string>;
        const source = route.method === 'GET' ? request.query : request.body;
        if (source !== undefined && (typeof source !== 'object' || source === null || Array.isArray(source))) {
          throw invalidRequest({ problem: 'The request body must be a JSON object.' });
        }
        const input = parseRequest(route.request, { ...(source as Record<string, unknown> | undefined), ...params });
        const result = await route.handle(input, context);
        if (route.path.endsWith('/tokens') || route.path.includes('/tokens/')) authenticator.invalidate();
        return result;
      },
    });
  }

  await app.register(artifactRoutes, { authorize, maxUploadBytes: options.maxUploadBytes ?? 8 * 1024 ** 3 });

  const openApi = buildOpenApiDocument(ALL_ROUTES, options.version);
  app.get('/openapi.json', async () => openApi);
  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(options.version));
  uiBuilt = await registerUi(app);
  return app;
}

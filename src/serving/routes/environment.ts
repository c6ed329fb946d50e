/**
 * `GET /environment` on an environment (`sluice serve --env`): what serves now, as the router
 * describes it (stable and candidate versions, the routing policy, the loaded versions, the shadow
 * comparison). Only registered when serving an environment.
 */
import type { FastifyInstance } from 'fastify';
import type { ModelRouter } from '../model-router.js';

export function environmentRoutes(app: FastifyInstance, router: ModelRouter): void {
  app.get('/environment', async () => router.describe?.() ?? {});
}

/**
 * Deployments for the web UI and any client: each environment of the project's `deploy:` section
 * with its stable version and latest rollout (phase, step, weight, analysis measurements), and
 * the operator's actions on a rollout. One implementation with `sluice rollout`: the same deploy
 * service, acting as the request's principal (audited under its name). A standalone server has
 * no sluice.yaml, so no environments.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createDeployService, loadEnvironments, openRolloutStore, parseEnvironments, type DeployService, type EnvironmentStatus } from '../../deploy/index.js';
import { PIPELINE_FILE } from '../../workspace/index.js';
import { route, type JsonRoute, type RequestContext } from '../route.js';

const BASE = '/api/sluice/v1/deployments';

/** The project's deploy service for this request (outside a project: one without environments). */
function deployServiceOf(context: RequestContext): { deploy: DeployService; names: string[] } {
  const root = context.services.workspace.root;
  const config = existsSync(join(root, PIPELINE_FILE)) ? loadEnvironments(root) : parseEnvironments('');
  const deploy = createDeployService({ store: openRolloutStore(context.services.store.connection), registry: context.registry, config });
  return { deploy, names: [...config.environments.keys()] };
}

/** The version the environment's alias names: what serves before its first rollout. */
async function aliasedVersion(context: RequestContext, model: string, alias: string): Promise<number | null> {
  try {
    return Number((await context.registry.resolve(`models:/${model}@${alias}`)).version);
  } catch {
    return null;
  }
}

function statusToJson(status: EnvironmentStatus, aliased: number | null): Record<string, unknown> {
  const { environment, state, rollout } = status;
  return {
    name: environment.name,
    model: environment.model,
    alias: environment.alias,
    strategy: environment.strategy.kind,
    steps: environment.strategy.kind === 'canary' ? environment.strategy.steps.length : null,
    stable_version: state?.stableVersion ?? aliased,
    rollout: rollout ?? null,
  };
}

const action = (verb: 'promote' | 'abort' | 'rollback', summary: string): JsonRoute =>
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/:environment/${verb}`, role: 'editor',
    summary,
    request: z.object({ environment: z.string().min(1), full: z.boolean().optional() }),
    handle: async (input, context) => {
      const { deploy } = deployServiceOf(context);
      const result = verb === 'promote' ? await deploy.promote(input.environment, { full: input.full }) : verb === 'abort' ? await deploy.abort(input.environment) : await deploy.rollback(input.environment);
      return { rollout: result.rollout };
    },
  });

export const deployRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: BASE, role: 'reader',
    summary: "The project's environments: stable version and latest rollout (phase, step, weight, analysis)",
    request: z.object({}),
    handle: async (_input, context) => {
      const opened = deployServiceOf(context);
      const environments = await Promise.all(
        opened.names.map(async (name) => {
          const status = await opened.deploy.status(name);
          return statusToJson(status, await aliasedVersion(context, status.environment.model, status.environment.alias));
        }),
      );
      return { environments };
    },
  }),
  action('promote', 'Moves a rollout past its current pause or hold (full: to the end)'),
  action('abort', 'Stops a rollout and sends all traffic back to the stable version'),
  action('rollback', 'Moves the environment back to the version that served before'),
];

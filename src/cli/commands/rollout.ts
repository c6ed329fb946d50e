/** `sluice rollout status|promote|abort|rollback|history --env NAME [--full] [--json]`. */
import { z } from 'zod';
import { environmentSnapshotPath, readEnvironmentSnapshot } from '../../deploy/index.js';
import { currentWorkspace } from '../context.js';
import { rolloutLine, renderHistory, renderShadow, renderStatus } from '../format/rollout.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import type { CliContext } from '../services.js';
import { withDeployService } from './deploy-context.js';

export const ROLLOUT_ACTIONS = ['status', 'promote', 'abort', 'rollback', 'history'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

const rolloutOptionsSchema = z.object({
  env: z.string({ error: 'is required' }).min(1, { error: 'is required' }),
  full: z.boolean().default(false),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(1000).default(20),
  json: z.boolean().default(false),
});

export async function rolloutCommand(action: RolloutAction, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(rolloutOptionsSchema, rawOptions, `rollout ${action}`);
  return withDeployService(output, async (deploy) => {
    if (action === 'status') {
      const status = await deploy.status(options.env);
      // What `sluice serve --env` last reported (the shadow comparison), for this rollout only.
      const snapshot = readEnvironmentSnapshot(environmentSnapshotPath(currentWorkspace().root, options.env));
      const serving = snapshot && (snapshot.rolloutId === undefined || snapshot.rolloutId === status.rollout?.id) ? snapshot : undefined;
      if (options.json) printJson(output, { environment: status.environment, stableVersion: status.state?.stableVersion ?? null, rollout: status.rollout ?? null, serving: serving ?? null });
      else output.stdout.write(renderStatus(status) + (serving?.shadow ? renderShadow(serving.shadow) : ''));
      return 0;
    }
    if (action === 'history') {
      const rollouts = await deploy.history(options.env, options.limit);
      if (options.json) printJson(output, rollouts);
      else output.stdout.write(rollouts.length === 0 ? `Environment ${options.env} has had no rollout yet.\n` : renderHistory(rollouts));
      return 0;
    }
    const result = action === 'promote' ? await deploy.promote(options.env, { full: options.full }) : action === 'abort' ? await deploy.abort(options.env) : await deploy.rollback(options.env);
    if (options.json) printJson(output, result.rollout);
    else output.stdout.write(`${rolloutLine(result.rollout)}\n`);
    return 0;
  });
}

/**
 * Step 6 of `sluice ci`, with `--deploy ENV`: the registered version rolls out to an environment
 * of the `deploy:` section through the deploy service, with the environment's strategy and
 * analysis. The step follows the rollout while it progresses (the serving environment measures
 * the analysis on its traffic; this process moves the clock), up to a bound, and reports the
 * phase: a rollout that ends degraded, aborted or rolled back (a failed analysis) blocks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createDeployService, findEnvironment, loadEnvironments, openRolloutStore, type Rollout } from '../deploy/index.js';
import type { CiDeployment, CiRegistration } from './ci-result.js';
import type { CiContext } from './ci-context.js';
import type { StepOutcome } from './step-result.js';

const POLL_MS = 500;
const DEFAULT_WAIT_MS = 60_000;
const FAILED_PHASES = new Set(['Degraded', 'Aborted', 'RolledBack']);

/**
 * Throws (SLUICE_DEPLOY_ENVIRONMENT_NOT_FOUND, with the environments there are) when `--deploy`
 * names no environment of sluice.yaml: checked before the flow starts, not after it registered
 * a version and moved an alias.
 */
export function checkDeployTarget(root: string, environment: string | undefined): void {
  if (environment !== undefined) findEnvironment(loadEnvironments(root), environment);
}

export async function deployStep(context: CiContext, registration: CiRegistration | undefined): Promise<StepOutcome<CiDeployment>> {
  const environment = context.options.deploy;
  if (environment === undefined) return { status: 'skipped', summary: 'no --deploy environment' };
  if (!registration) return { status: 'skipped', summary: `nothing registered, so nothing to deploy to ${environment}` };
  const deploy = createDeployService({
    store: openRolloutStore(context.services.store.connection),
    registry: context.services.registry(context.options.actor),
    config: loadEnvironments(context.root),
  });
  const started = await deploy.startRollout({ reference: registration.uri, environment });
  const rollout = await follow(started.rollout, context, (now) => deploy.reconcile(environment, now));
  const value: CiDeployment = { environment, strategy: rollout.strategy.kind, phase: rollout.phase, message: rollout.message };
  const summary = `${registration.uri} to ${environment} (${rollout.strategy.kind}): ${rollout.phase}${rollout.message ? `, ${rollout.message}` : ''}`;
  return { status: FAILED_PHASES.has(rollout.phase) ? 'failed' : 'passed', summary, value };
}

/** Reconciles while the rollout progresses on its own (not paused for a person), up to the bound. */
async function follow(first: Rollout, context: CiContext, reconcile: (now: number) => Promise<{ rollout: Rollout } | undefined>): Promise<Rollout> {
  const deadline = Date.now() + (context.options.deployWaitMs ?? DEFAULT_WAIT_MS);
  let rollout = first;
  while (rollout.phase === 'Progressing' && Date.now() < deadline && !context.options.signal?.aborted) {
    await sleep(POLL_MS);
    const latest = (await reconcile(Date.now()))?.rollout;
    if (!latest || latest.id !== first.id) break;
    rollout = latest;
  }
  return rollout;
}

/**
 * `sluice deploy MODEL_REF --env NAME [--strategy KIND] [--force] [--wait] [--json]`: starts a
 * rollout and returns; with --wait, follows it (printing each change) and exits 0 when the
 * candidate is promoted, 1 when the rollout is degraded, aborted or rolled back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { environmentSnapshotPath, isInProgress, readEnvironmentSnapshot, snapshotWriterRunning, STRATEGY_KINDS, type DeployService, type Rollout } from '../../deploy/index.js';
import { currentWorkspace } from '../context.js';
import { rolloutLine } from '../format/rollout.js';
import { invalidOption, parseOptions } from '../options.js';
import { printJson } from '../output.js';
import type { CliContext } from '../services.js';
import { withDeployService } from './deploy-context.js';

/** How often --wait reconciles and reads the rollout. */
const WAIT_POLL_MS = 500;

const deployOptionsSchema = z.object({
  env: z.string({ error: 'is required' }).min(1, { error: 'is required' }),
  strategy: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(STRATEGY_KINDS as ['direct', 'bluegreen', 'canary', 'shadow', 'ab'], { error: `must be one of ${STRATEGY_KINDS.join(', ')}` }))
    .optional(),
  force: z.boolean().default(false),
  wait: z.boolean().default(false),
  json: z.boolean().default(false),
  target: z.enum(['embedded', 'k8s'], { error: 'must be embedded or k8s' }).default('embedded'),
  out: z.string().min(1).optional(),
});

/** The fields of a rollout that, changed, are worth a line. */
function signature(rollout: Rollout): string {
  return `${rollout.phase}|${rollout.stepIndex}|${rollout.weight}|${rollout.message}`;
}

/**
 * Follows the rollout until it finishes. Each poll reconciles the clock (timed pauses, automatic
 * promotion); analysis is measured by the serving environment, which has the traffic.
 */
async function follow(deploy: DeployService, environment: string, first: Rollout, print: (line: string) => void): Promise<Rollout> {
  let seen = signature(first);
  let rollout = first;
  while (isInProgress(rollout.phase)) {
    await sleep(WAIT_POLL_MS);
    const latest = (await deploy.reconcile(environment))?.rollout ?? rollout;
    if (latest.id !== first.id) {
      // A forced deploy replaced this rollout (and aborted it): report this one's end, not the new one's.
      const mine = (await deploy.history(environment, 50)).find((candidate) => candidate.id === first.id);
      rollout = mine ?? { ...rollout, phase: 'Aborted', message: `replaced by rollout ${latest.id}` };
      print(rolloutLine(rollout));
      break;
    }
    rollout = latest;
    if (signature(rollout) !== seen) {
      seen = signature(rollout);
      print(rolloutLine(rollout));
    }
  }
  return rollout;
}

/**
 * A rollout's traffic and its analysis live in the server of its environment: with none running,
 * --wait would follow a rollout that cannot move past its first measured step, silently.
 */
function warnIfNothingServes(environment: string, output: CliContext): void {
  const snapshot = readEnvironmentSnapshot(environmentSnapshotPath(currentWorkspace().root, environment));
  if (snapshot && snapshotWriterRunning(snapshot)) return;
  output.stderr.write(
    `sluice: no \`sluice serve --env ${environment}\` is running from this workspace${snapshot ? ` (the last one, pid ${snapshot.pid}, has stopped)` : ''}: ` +
      `the rollout sends traffic and measures its analysis only while one serves the environment. Start it in another terminal; --wait goes on following the rollout.\n`,
  );
}

export async function deployCommand(reference: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(deployOptionsSchema, rawOptions, 'deploy');
  // Refused before anything moves: whoever gave --out meant manifests, not a rollout here.
  if (options.target !== 'k8s' && options.out !== undefined) throw invalidOption({ command: 'deploy', problem: '--out names where --target k8s writes manifests, and without --target k8s deploy starts a rollout here: add --target k8s, or drop --out' });
  if (options.target === 'k8s') {
    if (options.out === undefined) throw invalidOption({ command: 'deploy', problem: '--target k8s writes manifests: name the directory with --out DIR' });
    // Argo Rollouts carries the rollout out in the cluster: there is no local rollout to wait for or to force.
    for (const flag of ['wait', 'force'] as const) if (options[flag]) throw invalidOption({ command: 'deploy', problem: `--${flag} acts on a rollout Sluice runs; with --target k8s, Argo Rollouts runs it in the cluster (follow it with kubectl argo rollouts get rollout)` });
    return (await import('./deploy-k8s.js')).deployToKubernetes(reference, { environment: options.env, outDir: options.out, strategy: options.strategy, json: options.json }, output);
  }
  return withDeployService(output, async (deploy) => {
    const started = await deploy.startRollout({ reference, environment: options.env, strategyOverride: options.strategy, force: options.force });
    const progress = (line: string) => (options.json ? output.stderr : output.stdout).write(`${line}\n`);
    progress(rolloutLine(started.rollout));
    if (options.wait && isInProgress(started.rollout.phase)) warnIfNothingServes(options.env, output);
    const final = options.wait ? await follow(deploy, options.env, started.rollout, progress) : started.rollout;
    if (options.json) printJson(output, final);
    else if (!options.wait && isInProgress(final.phase)) output.stdout.write(`Follow it with \`sluice rollout status --env ${options.env}\`; \`sluice rollout promote|abort --env ${options.env}\` moves it on or back.\n`);
    if (!options.wait) return 0;
    return final.phase === 'Healthy' ? 0 : 1;
  });
}

/**
 * The `retrain` action: when a rule holds (drift, a drop in live accuracy), retrain on the newest
 * data and put the result in front of people, never in front of users on its own:
 *   1. with `data: REMOTE`, pull the tracked data versions from that remote first (the pointers
 *      in the workspace say which versions are the newest, as after a `git pull`);
 *   2. refuse, before running anything, when tracked data the pipeline reads is not, in the
 *      working copy, the version its pointer names (a pointer moved without its data, or data
 *      edited and not added): the model would be trained on data the commit does not name. `sluice data status` decides, so
 *      unchanged data costs a stat (the stat cache), not a read;
 *   3. run the pipeline in the workspace (cache-aware: unchanged stages are skipped), holding the
 *      run lock as `sluice run` does;
 *   4. gate the trained model (the `gates:` section's `model`) against the version the
 *      environment serves, whatever baseline the section names;
 *   5. when the gate passes, register it as a new version of the environment's model with its
 *      lineage and the alias `challenger` (production's alias does not move);
 *   6. with `then: deploy`, roll that version out to the environment with its strategy, so the
 *      rollout's own analysis decides.
 * One retraining per environment at a time: an alert while one runs is reported as skipped.
 */
import { join, resolve } from 'node:path';
import { dataStatus, openDataWorkspace, openRemote, pullData, type DataStatus, type DataWorkspace } from '../../data-versioning/index.js';
import type { DeployService } from '../../deploy/index.js';
import { gate, loadGateConfig } from '../../evaluation/index.js';
import { loadPipeline, pathsOverlap, runPipeline } from '../../pipeline/index.js';
import { formatModelUri, registerModelFile, type RegistryService, type ResolveModel } from '../../registry/index.js';
import type { RecordRun, TrackingService } from '../../tracking/index.js';
import { PIPELINE_FILE, type Workspace } from '../../workspace/index.js';
import { retrainDataDiffers } from '../errors.js';
import type { ActionOutcome } from './action-outcome.js';

/** What retraining needs of the workspace; the composition root (the CLI) provides it. */
export interface RetrainContext {
  readonly workspace: Workspace;
  readonly registry: RegistryService;
  readonly tracking: TrackingService;
  readonly resolveModel: ResolveModel;
  readonly recordRun?: RecordRun | undefined;
  readonly deploy: DeployService;
  /** A directory with the `sluice` executable, for the pipeline's `uses:` stages. */
  readonly toolDir?: string | undefined;
}

export interface RetrainRequest {
  readonly environment: string;
  /** The registered model the environment serves, and the version it serves now. */
  readonly model: string;
  readonly servedVersion: number;
  readonly data?: string | undefined;
  readonly then?: 'deploy' | undefined;
}

/** The alias a retrained model that passed its gate gets. */
export const CHALLENGER_ALIAS = 'challenger';

const running = new Set<string>();

export async function retrain(request: RetrainRequest, context: RetrainContext): Promise<ActionOutcome> {
  if (running.has(request.environment)) return { action: 'retrain', ok: true, message: `skipped: a retraining of ${request.environment} is already running` };
  running.add(request.environment);
  try {
    return await retrainOnce(request, context);
  } finally {
    running.delete(request.environment);
  }
}

async function retrainOnce(request: RetrainRequest, context: RetrainContext): Promise<ActionOutcome> {
  const steps: string[] = [];
  const data = await openDataWorkspace(context.workspace);
  try {
    if (request.data !== undefined) steps.push(await pull(data, request.data));
    const read = depsOfPipeline(context.workspace.root);
    const differences = (await dataStatus(data)).filter(
      (status) => (status.state === 'modified' || status.state === 'not-checked-out' || status.state === 'missing') && (read === undefined || read.some((dep) => pathsOverlap(dep, status.target))),
    );
    if (differences.length > 0) {
      const refused = retrainDataDiffers({ environment: request.environment, differences: differences.map(describeDifference) });
      return { action: 'retrain', ok: false, message: [...steps, refused.toUserMessage()].join('; ') };
    }
  } finally {
    await data.close();
  }
  const run = await runPipeline(context.workspace, { command: `sluice monitor (retrain ${request.environment})`, toolDir: context.toolDir });
  const ran = run.outcomes.filter((outcome) => outcome.status === 'ran').length;
  if (run.status !== 'succeeded') {
    const failed = run.outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.stage);
    return { action: 'retrain', ok: false, message: [...steps, `the pipeline ${run.status}${failed.length > 0 ? ` at ${failed.join(', ')}` : ''} (logs: ${run.logsDir}); nothing registered`].join('; ') };
  }
  steps.push(`pipeline: ${ran} of ${run.outcomes.length} stages ran`);
  const served = formatModelUri(request.model, request.servedVersion);
  const loaded = loadGateConfig(join(context.workspace.root, PIPELINE_FILE));
  const { report } = await gate({ config: { ...loaded.config, baseline: served }, baseDir: loaded.baseDir, resolveModel: context.resolveModel, recordRun: context.recordRun, ruleLocations: loaded.ruleLocations });
  if (!report.passed) {
    const failing = report.rules.filter((rule) => !rule.passed).map((rule) => rule.metric);
    return { action: 'retrain', ok: true, message: [...steps, `gate against ${served} failed (${failing.join(', ')}): not registered`].join('; ') };
  }
  const version = await registerModelFile(context.registry, context.tracking, {
    source: resolve(loaded.baseDir, loaded.config.model),
    name: request.model,
    alias: CHALLENGER_ALIAS,
    description: `retrained by the monitor of ${request.environment}`,
    tags: [{ key: 'sluice.retrained_by', value: `monitor:${request.environment}` }],
    tempDir: join(context.workspace.paths.tmpDir, 'register'),
  });
  const registered = formatModelUri(version.name, version.version);
  steps.push(`gate against ${served} passed; registered ${registered} as ${CHALLENGER_ALIAS}`);
  if (request.then === 'deploy') {
    const rollout = await context.deploy.startRollout({ environment: request.environment, reference: registered });
    steps.push(`rollout to ${request.environment} started: ${rollout.rollout.message}`);
  }
  return { action: 'retrain', ok: true, message: steps.join('; ') };
}

async function pull(data: DataWorkspace, remoteName: string): Promise<string> {
  const { remote, storage } = await openRemote(data.workspace, remoteName);
  try {
    const report = await pullData(data, storage, []);
    return `pulled ${report.transferred} objects from ${remote.name}`;
  } finally {
    (storage as { destroy?: () => void }).destroy?.();
  }
}

/**
 * The paths the pipeline's stages read (deps and params files): tracked data no stage reads (another project's data set
 * in the same repository) does not stop a retraining. Undefined when the pipeline does not load:
 * then every tracked path counts, and running the pipeline reports what is wrong with it.
 */
function depsOfPipeline(root: string): string[] | undefined {
  try {
    return loadPipeline(root).stages.flatMap((stage) => [...stage.deps.map((dep) => dep.path), ...stage.params.map((param) => param.file)]);
  } catch {
    return undefined;
  }
}

/** How a tracked path differs from the version its pointer names. */
function describeDifference(status: DataStatus): string {
  const named = status.inCache ? '' : '; the version its pointer names is not in the local cache';
  if (status.state === 'missing') return `${status.target}: missing${named}`;
  if (status.state === 'not-checked-out') return `${status.target}: not checked out (the working copy holds another version${named})`;
  return `${status.target}: modified (an edit no version holds${named})`;
}

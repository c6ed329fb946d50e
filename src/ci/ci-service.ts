/**
 * `sluice ci`: the whole CI/CD flow on a commit, as one service operation. The steps run in
 * order (data, tests, pipeline, gate, register, deploy); the first that fails blocks the change
 * and the steps after it are `not-run`. The result is always a {@link CiResult}, which every
 * adapter reads (the terminal summary, `--json`, the pull-request report, posting, `sluice
 * watch`); only configuration and usage errors (exit 2) and an interruption (SLUICE_CI_INTERRUPTED,
 * exit 130) are thrown. The run is recorded as a
 * tracked run of kind `ci`.
 */
import { readGitState } from '../core/index.js';
import type { StageOutcome } from '../pipeline/index.js';
import type { WorkspaceServices } from '../workspace/index.js';
import { baseDiff, checkBase } from './base-diff.js';
import { createCiContext, type CiOptions } from './ci-context.js';
import { finishCiRun, startCiRun } from './ci-record.js';
import type { CiPipeline, CiResult, CiStep, CiStepName } from './ci-result.js';
import { dataStep } from './data-step.js';
import { ciInterrupted } from './errors.js';
import { checkDeployTarget, deployStep } from './deploy-step.js';
import { gateStep } from './gate-step.js';
import { readGatesFacts } from './gates-facts.js';
import { pipelineStep, stageRow } from './pipeline-step.js';
import { registerStep } from './register-step.js';
import { timeStep, type StepOutcome } from './step-result.js';
import { testsStep } from './tests-step.js';

export type { CiOptions } from './ci-context.js';

/** Runs the flow on the workspace of `services` (opened once by the caller, left open). */
export async function runCi(services: WorkspaceServices, options: CiOptions): Promise<CiResult> {
  const startedAt = new Date();
  const clock = performance.now();
  checkDeployTarget(services.workspace.root, options.deploy);
  const gates = readGatesFacts(services.workspace.root, options);
  const context = createCiContext(services, gates, options);
  if (options.base !== undefined) await checkBase(context, options.base);
  const git = await readGitState(context.root);
  const runId = await startCiRun(services, options.trigger);
  const steps: CiStep[] = [];
  let blockedAt: CiStepName | undefined;
  let interruptedAt: CiStepName | undefined;
  // A cancelled job reaches no verdict, and does nothing more: a step not started (registering,
  // deploying) is not started once the stop came. A blocked verdict would be recorded, reported
  // and posted as the change's (a CI system cancels the older run of a pull request on a new push).
  const stopped = (cause?: unknown): Error => {
    interruptedAt = blockedAt ?? steps.findLast((done) => done.status !== 'not-run')?.name ?? 'data';
    return ciInterrupted({ step: interruptedAt }, { cause });
  };
  try {
    const step = async <T>(name: CiStepName, work: () => Promise<StepOutcome<T>>): Promise<T | undefined> => {
      if (options.signal?.aborted) throw stopped();
      if (blockedAt !== undefined) {
        steps.push({ name, status: 'not-run', summary: `not run: the ${blockedAt} step blocked`, durationMs: 0 });
        return undefined;
      }
      const { step: done, value } = await timeStep(name, work);
      steps.push(done);
      if (done.status === 'failed') blockedAt = name;
      return value;
    };
    const data = await step('data', () => dataStep(context));
    const tests = await step('tests', () => testsStep(context));
    const testStages = context.pipeline.stages.filter((stage) => stage.tests !== undefined).map((stage) => stage.name);
    const pipeline = await step('pipeline', () => pipelineStep(context, testStages));
    const gate = await step('gate', () => gateStep(context));
    const registration = await step('register', () => (gate ? registerStep(context) : Promise.resolve({ status: 'skipped' as const, summary: 'no gate verdict, so nothing is registered' })));
    const deployment = await step('deploy', () => deployStep(context, registration));
    if (options.signal?.aborted) throw stopped();
    const diff = options.base !== undefined ? await baseDiff(context, options.base) : undefined;
    const result: Omit<CiResult, 'runId'> = {
      verdict: blockedAt === undefined ? 'passed' : 'blocked',
      blockedAt,
      headline: headline(steps, blockedAt),
      commit: { sha: git.commit, branch: git.branch, dirty: git.dirty },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - clock),
      steps,
      data: data?.data,
      tests: tests?.tests,
      pipeline: pipeline && withEarlierRuns(pipeline, [...(data?.outcomes ?? []), ...(tests?.outcomes ?? [])], context.pipeline.stages.map((stage) => stage.name)),
      gate,
      registration,
      deployment,
      diff,
      plots: [],
      serverUrl: options.serverUrl,
    };
    await finishCiRun(services, runId, result);
    return { ...result, runId };
  } catch (error) {
    // What the stop made fail (a stage, a git child killed with the process group) is the stop.
    const thrown = interruptedAt === undefined && options.signal?.aborted ? stopped(error) : error;
    await services.runs.end(runId, interruptedAt === undefined ? 'FAILED' : 'KILLED').catch(() => undefined);
    throw thrown;
  }
}

/** The verdict in one line: what passed, or where and why the change was blocked. */
function headline(steps: readonly CiStep[], blockedAt: CiStepName | undefined): string {
  if (blockedAt !== undefined) return `Blocked at ${blockedAt}: ${steps.find((step) => step.name === blockedAt)!.summary}`;
  const said = (name: CiStepName) => steps.find((step) => step.name === name && step.status === 'passed')?.summary;
  const parts = [said('gate') ? `gate: ${said('gate')}` : 'no gate', said('register'), said('deploy') ? `deployed ${said('deploy')}` : undefined];
  return `Passed: ${parts.filter(Boolean).join('; ')}`;
}

/**
 * The pipeline's stage table, with what the data and tests steps did before it: a validate or
 * tests stage those steps ran reads `unchanged` in the pipeline run, but ran in this CI run.
 */
function withEarlierRuns(pipeline: CiPipeline, earlier: readonly StageOutcome[], order: readonly string[]): CiPipeline {
  const rows = new Map(pipeline.stages.map((row) => [row.stage, row]));
  for (const outcome of earlier) {
    const row = rows.get(outcome.stage);
    if (!row || (row.status === 'unchanged' && outcome.status !== 'unchanged')) rows.set(outcome.stage, stageRow(outcome));
  }
  return { ...pipeline, stages: order.flatMap((name) => rows.get(name) ?? []) };
}

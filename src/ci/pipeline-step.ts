/**
 * Step 3 of `sluice ci`, the pipeline: `sluice run` as it is (cache-aware: unchanged stages are
 * skipped, earlier results restored from the cache and the run cache), without the test stages,
 * which the tests step ran. A gate stage that fails is the gate step's verdict, not a broken
 * pipeline: the step fails only for other stages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StageOutcome } from '../pipeline/index.js';
import type { CiPipeline, CiStageRow } from './ci-result.js';
import { stagesUsing, type CiContext } from './ci-context.js';
import { plural, type StepOutcome } from './step-result.js';

export async function pipelineStep(context: CiContext, testStages: readonly string[]): Promise<StepOutcome<CiPipeline>> {
  const tests = new Set(testStages);
  const targets = tests.size === 0 ? [] : context.pipeline.stages.filter((stage) => !tests.has(stage.name)).map((stage) => stage.name);
  const report = await context.run(targets, 'sluice ci (pipeline)');
  // A gate stage that failed on its rules (it wrote its report, or exited 1, `sluice gate`'s code
  // for failed rules) is judged by the gate step, which says which rules; a crash (2, 3) is not.
  const exitCodes = new Map(report.outcomes.map((outcome) => [outcome.stage, outcome.exitCode]));
  const judged = new Set(
    stagesUsing(context.pipeline, 'gate')
      .filter((stage) => (stage.uses?.details && existsSync(join(context.root, stage.uses.details))) || exitCodes.get(stage.name) === 1)
      .map((stage) => stage.name),
  );
  const broken = report.outcomes.filter((outcome) => (outcome.status === 'failed' && !judged.has(outcome.stage)) || outcome.status === 'interrupted');
  const first = broken[0];
  const pipeline: CiPipeline = {
    runId: report.runId,
    status: report.status === 'failed' && !first ? 'succeeded' : report.status,
    stages: report.outcomes.map(stageRow),
    failure: first ? { stage: first.stage, message: first.message ?? `${first.status}`, tail: first.tail ?? [] } : undefined,
  };
  const ran = report.outcomes.filter((outcome) => outcome.status === 'ran').length;
  const restored = report.outcomes.filter((outcome) => outcome.status === 'restored' || outcome.status === 'restored-run-cache').length;
  const failedCount = report.outcomes.filter((outcome) => outcome.status === 'failed' || outcome.status === 'interrupted').length;
  const counts = `${plural(report.outcomes.length, 'stage')}: ${ran} ran, ${restored} restored from cache, ${failedCount ? `${failedCount} failed, ` : ''}${report.outcomes.length - ran - restored - failedCount} unchanged or skipped`;
  if (first) return { status: 'failed', summary: `stage ${first.stage} ${first.status}: ${first.message ?? 'see its log'} (${counts})`, value: pipeline };
  return { status: 'passed', summary: counts, value: pipeline };
}

export function stageRow(outcome: StageOutcome): CiStageRow {
  return { stage: outcome.stage, status: outcome.status, durationMs: outcome.durationMs };
}

/**
 * A CI run as a tracked run of the workspace (kind `ci`): started before the first step, so the
 * pipeline runs it launches are its contemporaries in the run list, and finished with the
 * verdict, the step that blocked, the trigger and each step's status as tags.
 */
import type { WorkspaceServices } from '../workspace/index.js';
import type { CiResult } from './ci-result.js';

/** Tags of a CI run (besides the workspace's system tags: user, git commit, branch, dirty). */
export const CI_TAGS = {
  verdict: 'sluice.ci.verdict',
  blockedAt: 'sluice.ci.blocked_at',
  trigger: 'sluice.ci.trigger',
  commit: 'sluice.ci.commit',
} as const;

export async function startCiRun(services: WorkspaceServices, trigger: string | undefined): Promise<string> {
  const run = await services.runs.start({ kind: 'ci', name: 'sluice ci', nested: false, readGit: true, tags: trigger ? { [CI_TAGS.trigger]: trigger } : {} });
  return run.info.runId;
}

export async function finishCiRun(services: WorkspaceServices, runId: string, result: Omit<CiResult, 'runId'>): Promise<void> {
  const tags = [
    { key: CI_TAGS.verdict, value: result.verdict },
    ...(result.blockedAt ? [{ key: CI_TAGS.blockedAt, value: result.blockedAt }] : []),
    ...(result.commit.sha ? [{ key: CI_TAGS.commit, value: result.commit.sha }] : []),
    ...result.steps.map((step) => ({ key: `sluice.ci.step.${step.name}`, value: step.status })),
    { key: 'mlflow.note.content', value: result.headline },
  ];
  await services.tracking.logBatch(runId, {
    tags,
    metrics: [
      { key: 'ci.passed', value: result.verdict === 'passed' ? 1 : 0, timestamp: Date.now(), step: 0 },
      { key: 'ci.duration_ms', value: result.durationMs, timestamp: Date.now(), step: 0 },
    ],
    params: [],
  });
  await services.runs.end(runId, result.verdict === 'passed' ? 'FINISHED' : 'FAILED');
}

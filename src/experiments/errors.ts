/** Errors of experiments and sweeps (`sluice exp run|show|apply`). */
import { defineError } from '../core/index.js';

export const invalidOverride = defineError<{ spec: string; problem: string }>('SLUICE_EXP_BAD_OVERRIDE', {
  kind: 'invalid_input',
  description: 'A `-S` params override of `sluice exp run` is not `[FILE:]KEY=VALUE[,VALUE…]` or names a param the file does not have.',
  message: ({ spec, problem }) => `Cannot use the override "-S ${spec}": ${problem}.`,
  hint: () => 'Write -S KEY=V1,V2 (e.g. -S train.C=0.1,1,10), or -S other.yaml:KEY=V for a params file other than params.yaml; the key must exist in the file.',
});

export const sweepTooLarge = defineError<{ size: number; limit: number }>('SLUICE_EXP_SWEEP_TOO_LARGE', {
  kind: 'invalid_input',
  description: 'A grid of `-S` overrides has more combinations than `sluice exp run` runs at once.',
  message: ({ size, limit }) => `The grid has ${size} combinations; at most ${limit} run at once.`,
  hint: ({ limit }) => `Sample it with --random N (N ≤ ${limit}), or split the sweep.`,
});

export const noExperiments = defineError<{ sweep?: string }>('SLUICE_EXP_NONE', {
  kind: 'not_found',
  description: '`sluice exp show` found no experiment runs (of the named sweep).',
  message: ({ sweep }) => (sweep === undefined ? 'No experiments have been run in this workspace.' : `There is no sweep "${sweep}".`),
  hint: ({ sweep }) => (sweep === undefined ? 'Run a sweep first: sluice exp run -S train.C=0.1,1,10' : 'Run `sluice exp show --all` to list every experiment with its sweep.'),
});

export const experimentNotFound = defineError<{ id: string }>('SLUICE_EXP_NOT_FOUND', {
  kind: 'not_found',
  description: '`sluice exp apply` was given an id or name that is no experiment run.',
  message: ({ id }) => `There is no experiment "${id}".`,
  hint: () => 'Use a run id (or its first 8 characters) or an experiment name from `sluice exp show`.',
});

export const experimentNotApplicable = defineError<{ id: string; reason: string; blockedBy?: 'params' }>('SLUICE_EXP_NOT_APPLICABLE', {
  kind: 'conflict',
  description: '`sluice exp apply` cannot bring an experiment into the workspace: it did not finish, its outputs are no longer in the cache, or the params it set are gone from the workspace.',
  message: ({ id, reason }) => `Cannot apply experiment "${id}": ${reason}.`,
  hint: ({ blockedBy }) =>
    blockedBy === 'params'
      ? 'Restore the params file or section the experiment set (git checkout -- FILE), then apply it again.'
      : 'Run the experiment again (sluice exp run with the same -S values); with a shared cache, `sluice run --pull` fetches outputs computed elsewhere.',
});

export const queueNeedsCommit = defineError<{ commit: string }>('SLUICE_EXP_QUEUE_UNCOMMITTED', {
  kind: 'conflict',
  description: '`sluice exp run --queue` was asked to run a workspace whose code differs from its commit: workers check out the commit, so they would run other code.',
  message: ({ commit }) => `The workspace has changes that are not committed; queue workers run commit ${commit.slice(0, 8)} with each experiment's params, not these changes.`,
  hint: () => 'Commit (or stash) the changes and run the sweep again; without --queue, experiments run here with the uncommitted changes.',
});

export const experimentWorkspaceFailed = defineError<{ reason: string }>('SLUICE_EXP_WORKSPACE_FAILED', {
  kind: 'invalid_input',
  description: 'The temp workspace of an experiment (a git worktree of HEAD with the uncommitted changes) could not be made.',
  message: ({ reason }) => `Cannot make the experiment's temp workspace: ${reason}.`,
  hint: () => 'Experiments need a git repository with at least one commit: run `git init` and commit the project.',
});

/** Errors of `sluice watch`. */
import { defineError } from '../../core/index.js';

export const watchStateInvalid = defineError<{ path: string; problem: string }>('SLUICE_WATCH_STATE_INVALID', {
  kind: 'invalid_input',
  description: "`sluice watch`'s record of what it last ran (.sluice/watch-state.json) cannot be read.",
  message: ({ path, problem }) => `${path} cannot be read: ${problem}.`,
  hint: () => 'Remove the file to start afresh: the next poll then runs `sluice ci` once on the branch head.',
});

export const watchInvalidSchedule = defineError<{ expression: string; reason: string }>('SLUICE_WATCH_INVALID_SCHEDULE', {
  kind: 'invalid_input',
  description: '`sluice watch --schedule` was given something that is not a cron expression.',
  message: ({ expression, reason }) => `--schedule "${expression}" is not a cron expression: ${reason}.`,
  hint: () => 'Write five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" for 03:00 every day, or six with seconds first.',
});

export const watchBranchMissing = defineError<{ branch: string }>('SLUICE_WATCH_BRANCH_MISSING', {
  kind: 'not_found',
  description: '`sluice watch --branch` named a branch that is neither local nor the upstream of a local branch.',
  message: ({ branch }) => `There is no branch "${branch}" in this repository.`,
  hint: () => 'Name a local branch (`git branch` lists them); to follow a remote branch, create it first with `git switch BRANCH`.',
});

export const watchUncommittedChanges = defineError<{ paths: readonly string[] }>('SLUICE_WATCH_UNCOMMITTED_CHANGES', {
  kind: 'conflict',
  description: '`sluice watch` checks out the branch head before each run, replacing changes to tracked files, and refuses to start over changes it did not make.',
  message: ({ paths }) => `Uncommitted changes to tracked files would be replaced by the branch head: ${paths.slice(0, 10).join(', ')}${paths.length > 10 ? ', …' : ''}.`,
  hint: () => 'Commit or stash them, or run `sluice watch` in a clone of its own (recommended: it owns its working copy).',
});

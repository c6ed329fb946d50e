/** How a stage ended in `sluice run`, and how that reads in the summary. */
import type { LockedStage } from './lockfile.js';
import type { StageChange } from './stage-state.js';

export type StageStatus =
  | 'ran'
  | 'unchanged'
  | 'restored'
  | 'restored-run-cache'
  | 'failed'
  | 'interrupted'
  | 'skipped'
  | 'not-run'
  | 'frozen'
  | 'would-run'
  | 'would-restore'
  | 'would-restore-run-cache';

/** The words printed in the summary, one per status. */
export const STATUS_LABELS: Readonly<Record<StageStatus, string>> = {
  ran: 'ran',
  unchanged: 'unchanged',
  restored: 'restored from cache',
  'restored-run-cache': 'restored from run cache',
  failed: 'failed',
  interrupted: 'interrupted',
  skipped: 'skipped (upstream failed)',
  'not-run': 'not run (stopped after a failure)',
  frozen: 'frozen (not checked)',
  'would-run': 'would run',
  'would-restore': 'would restore from cache',
  'would-restore-run-cache': 'would restore from run cache',
};

export interface StageOutcome {
  readonly stage: string;
  readonly status: StageStatus;
  /** Why the stage was not unchanged (empty when it was, or when forced). */
  readonly changes: readonly StageChange[];
  readonly startedAt: number;
  readonly durationMs: number;
  readonly exitCode?: number | undefined;
  /** For failures: what went wrong, in one sentence. */
  readonly message?: string | undefined;
  /** For failures: the last lines of the command's stderr. */
  readonly tail?: readonly string[] | undefined;
  readonly logPath?: string | undefined;
  readonly runCacheKey?: string | undefined;
  /** Where the command ran when not in this process (a queue worker's name). */
  readonly where?: string | undefined;
  /** The stage's lock entry afterwards, when it has one. */
  readonly lock?: LockedStage | undefined;
}

/** Statuses after which downstream stages must not run. */
export function isFailure(status: StageStatus): boolean {
  return status === 'failed' || status === 'interrupted' || status === 'skipped' || status === 'not-run';
}

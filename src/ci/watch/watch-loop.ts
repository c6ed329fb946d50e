/**
 * `sluice watch`: polls a branch and runs CI when something new is there to test.
 *
 * Each poll observes the branch head and its data fingerprint (observe.ts) and compares them with
 * the last finished run (watch-state.ts): a new state runs once, whatever the run's outcome, and
 * never again, across restarts. The cron schedule, when given, adds a run for each scheduled time
 * that passed since the last one served (times missed while busy or stopped make one run).
 *
 * One run at a time: polls stop while CI runs, and the first poll after a run sees everything
 * that arrived during it, so any number of commits, data changes and scheduled times during a run
 * make at most one more run (at the newest state). A run that fails, crashes or cannot start is
 * logged and recorded; the loop goes on. When `signal` aborts, the running child is stopped and
 * its state not recorded (the next start runs it again), and the loop returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import { checkoutBranchAt, commitOf, excludeLocally, trackedChanges } from '../../core/index.js';
import type { ObjectStorage } from '../../cache/index.js';
import type { CiRunner, CiRunOutcome } from './ci-runner.js';
import { watchBranchMissing, watchInvalidSchedule, watchUncommittedChanges } from './errors.js';
import { observeBranch, triggerFor, type Observation } from './observe.js';
import { STATE_FILE, WatchState, type WatchTrigger } from './watch-state.js';

export interface WatchOptions {
  /** The workspace (a git working copy the watch owns: it checks out the branch head). */
  readonly root: string;
  readonly branch: string;
  readonly intervalMs: number;
  /** A cron expression (five fields, or six with seconds), checked by {@link checkSchedule}. */
  readonly schedule?: string | undefined;
  /** The data remote whose content is part of the data fingerprint; none: pointer versions only. */
  readonly storage?: ObjectStorage | undefined;
  readonly runCi: CiRunner;
  readonly signal: AbortSignal;
  /** One line per event (trigger, outcome, failed poll), without a newline. */
  readonly log: (line: string) => void;
  /** Called after each poll (for tests and progress displays). */
  readonly onPoll?: ((poll: PollReport) => void) | undefined;
  readonly now?: (() => Date) | undefined;
}

/** What one poll saw and did. */
export interface PollReport {
  readonly observation?: Observation | undefined;
  readonly trigger?: WatchTrigger | undefined;
  readonly outcome?: CiRunOutcome | undefined;
  readonly error?: string | undefined;
}

/** What the watch did until it stopped. */
export interface WatchSummary {
  readonly polls: number;
  readonly runs: number;
}

/** A cron expression checked at the boundary: SLUICE_WATCH_INVALID_SCHEDULE names croner's reason. */
export function checkSchedule(expression: string): Cron {
  try {
    return new Cron(expression, { paused: true });
  } catch (error) {
    throw watchInvalidSchedule({ expression, reason: (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '') });
  }
}

const short = (commit: string) => commit.slice(0, 10);

function describeTrigger(trigger: WatchTrigger, observed: Observation, previous: string | undefined): string {
  if (trigger === 'schedule') return 'the schedule is due';
  if (trigger === 'commit') return previous === undefined ? `first run on ${short(observed.commit)}` : `new commit ${short(observed.commit)} (last run ${short(previous)})`;
  const remote = observed.onRemote === observed.pointers ? '' : `, ${observed.pointers - observed.onRemote} not on the remote`;
  return `data changed at ${short(observed.commit)} (${observed.pointers} pointers${remote})`;
}

function describeOutcome(outcome: CiRunOutcome): string {
  if (outcome.error !== undefined) return `could not start: ${outcome.error}`;
  if (outcome.signal !== undefined) return `ended by ${outcome.signal}`;
  return outcome.exitCode === 0 ? 'passed (exit 0)' : outcome.exitCode === 1 ? 'blocked (exit 1)' : `failed (exit ${outcome.exitCode})`;
}

/**
 * Refuses to start over tracked changes the watch did not make: the working copy is the watch's
 * once it has checked out the branch for a run (HEAD is then the last run's commit).
 */
async function checkWorkingCopy(root: string, state: WatchState, branch: string): Promise<void> {
  const changes = await trackedChanges(root);
  if (changes.length === 0) return;
  const last = state.branch(branch).lastRun;
  if (last !== undefined && (await commitOf(root, 'HEAD')) === last.commit) return;
  throw watchUncommittedChanges({ paths: changes });
}

/** Whether a scheduled time passed after `since` (and up to `now`). */
function scheduleDue(cron: Cron | undefined, since: string | undefined, now: Date): boolean {
  if (cron === undefined || since === undefined) return false;
  const next = cron.nextRun(new Date(since));
  return next !== null && next.getTime() <= now.getTime();
}

/** Polls and runs until `options.signal` aborts. */
export async function watchBranch(options: WatchOptions): Promise<WatchSummary> {
  const now = options.now ?? (() => new Date());
  const cron = options.schedule === undefined ? undefined : checkSchedule(options.schedule);
  const state = WatchState.load(options.root);
  await checkWorkingCopy(options.root, state, options.branch);
  // The state belongs to this clone: never committed, and never what makes a CI run's commit dirty.
  await excludeLocally(options.root, STATE_FILE);
  // Scheduled times before the first start are not owed.
  if (cron !== undefined && state.branch(options.branch).scheduledUntil === undefined) state.update(options.branch, { scheduledUntil: now().toISOString() });
  let polls = 0;
  let runs = 0;
  while (!options.signal.aborted) {
    polls++;
    const report = await poll(options, state, cron, now, polls === 1);
    if (report.outcome !== undefined && !report.outcome.interrupted) runs++;
    options.onPoll?.(report);
    // After a run, look again at once: what arrived during it is owed one run.
    if (report.trigger === undefined) await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return { polls, runs };
}

async function poll(options: WatchOptions, state: WatchState, cron: Cron | undefined, now: () => Date, first: boolean): Promise<PollReport> {
  const { branch, log } = options;
  let observation: Observation;
  let trigger: WatchTrigger | undefined;
  const startedAt = now();
  const branchState = state.branch(branch);
  try {
    observation = await observeBranch(options.root, branch, options.storage);
    if (observation.fetchError !== undefined) log(`git fetch failed, using the branch as last fetched: ${observation.fetchError}`);
    trigger = (await triggerFor(options.root, branchState.lastRun, observation)) ?? (scheduleDue(cron, branchState.scheduledUntil, startedAt) ? 'schedule' : undefined);
  } catch (error) {
    // A branch missing at the start is a typo, not a passing failure: waiting would never help.
    if (first && watchBranchMissing.is(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    log(`poll failed: ${message}`);
    return { error: message };
  }
  if (trigger === undefined || options.signal.aborted) return { observation };
  log(`${describeTrigger(trigger, observation, branchState.lastRun?.commit)}: running sluice ci (trigger ${trigger})`);
  try {
    await checkoutBranchAt(options.root, branch, observation.commit);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`could not check out ${short(observation.commit)}: ${message}`);
    return { observation, error: message };
  }
  const outcome = await options.runCi({ trigger, branch, commit: observation.commit }, options.signal);
  if (outcome.interrupted) {
    log(`sluice ci on ${short(observation.commit)} stopped: the watch is stopping (it runs again at the next start)`);
    return { observation, trigger, outcome };
  }
  log(`sluice ci on ${short(observation.commit)} (${trigger}) ${describeOutcome(outcome)}`);
  state.update(branch, {
    lastRun: { commit: observation.commit, data: observation.data, trigger, finishedAt: now().toISOString(), exitCode: outcome.exitCode },
    ...(cron === undefined ? {} : { scheduledUntil: startedAt.toISOString() }),
  });
  return { observation, trigger, outcome };
}

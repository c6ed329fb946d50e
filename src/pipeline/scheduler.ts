/**
 * Runs stages in dependency order with up to `jobs` at a time. Knows nothing of what a stage
 * does: it takes a `process` function, which keeps the ordering rules testable on their own.
 *
 * After a failure, no new stage starts (running ones finish) unless `keepGoing`, in which case
 * only the failed stage's downstream is skipped.
 */
import { isFailure, type StageOutcome } from './outcome.js';
import type { Stage } from './stage.js';

export interface ScheduleOptions {
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Direct upstream stage names of each stage. */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** Why a stage is skipped when `failed`, one of its upstream stages, did not succeed (one sentence, no full stop). */
  readonly skipReason?: ((stage: string, failed: string) => string) | undefined;
}

export async function scheduleStages(
  stages: readonly Stage[],
  process: (stage: Stage) => Promise<StageOutcome>,
  options: ScheduleOptions,
  onOutcome: (outcome: StageOutcome) => void | Promise<void> = () => undefined,
): Promise<Map<string, StageOutcome>> {
  const selected = new Set(stages.map((stage) => stage.name));
  const outcomes = new Map<string, StageOutcome>();
  const running = new Map<string, Promise<void>>();
  let pending = [...stages];
  let stopped = false;

  const settle = async (outcome: StageOutcome): Promise<void> => {
    outcomes.set(outcome.stage, outcome);
    if (outcome.status === 'failed' || outcome.status === 'interrupted') stopped ||= !options.keepGoing;
    await onOutcome(outcome);
  };
  const parentsOf = (stage: Stage) => [...(options.upstream.get(stage.name) ?? [])].filter((name) => selected.has(name));

  try {
    await runAll();
  } catch (error) {
    // Recording an outcome failed (the store or the team server went away): no stage starts, and
    // the running ones finish before the caller hears of it, so it never releases the workspace
    // (its run lock, its store) under commands still writing their outputs.
    stopped = true;
    await Promise.allSettled(running.values());
    throw error;
  }
  return outcomes;

  async function runAll(): Promise<void> {
    while (pending.length > 0 || running.size > 0) {
      if (options.signal?.aborted) stopped = true;
      const before = pending.length;
      const waiting: Stage[] = [];
      for (const stage of pending) {
        const parents = parentsOf(stage);
        if (parents.some((name) => !outcomes.has(name))) {
          waiting.push(stage);
          continue;
        }
        const failed = parents.find((name) => isFailure(outcomes.get(name)!.status));
        if (failed !== undefined) {
          await settle({ ...skipped(stage, 'skipped'), message: options.skipReason?.(stage.name, failed) ?? `upstream stage "${failed}" did not succeed` });
          continue;
        }
        if (stopped || running.size >= options.jobs) {
          waiting.push(stage);
          continue;
        }
        const startedAt = Date.now();
        running.set(
          stage.name,
          process(stage)
            .catch((error: unknown): StageOutcome => ({
              stage: stage.name,
              status: 'failed',
              changes: [],
              startedAt,
              durationMs: Date.now() - startedAt,
              message: error instanceof Error ? error.message : String(error),
            }))
            .then(async (outcome) => {
            running.delete(stage.name);
            await settle(outcome);
          }),
        );
      }
      pending = waiting;
      if (running.size > 0) {
        await Promise.race(running.values());
        continue;
      }
      if (pending.length > 0 && stopped) {
        for (const stage of pending) await settle(skipped(stage, 'not-run'));
        pending = [];
      } else if (pending.length > 0 && pending.length === before) {
        throw new Error(`scheduler made no progress with ${pending.map((stage) => stage.name).join(', ')} pending`);
      }
    }
  }
}

function skipped(stage: Stage, status: 'skipped' | 'not-run'): StageOutcome {
  return { stage: stage.name, status, changes: [], startedAt: Date.now(), durationMs: 0 };
}

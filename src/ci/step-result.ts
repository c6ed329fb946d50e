/** How a step of `sluice ci` reports: its status, one sentence, and what it found. */
import { isAppError } from '../core/index.js';
import type { CiStep, CiStepName, CiStepStatus } from './ci-result.js';

export interface StepOutcome<T> {
  readonly status: Exclude<CiStepStatus, 'not-run'>;
  readonly summary: string;
  readonly value?: T | undefined;
}

/**
 * Runs one step and times it. A check the step could not get past (a pull that failed, a stage
 * that could not start) fails the step with the error's message; configuration and usage errors
 * (exit 2) and bugs are not the change's fault and propagate.
 */
export async function timeStep<T>(name: CiStepName, work: () => Promise<StepOutcome<T>>): Promise<{ step: CiStep; value: T | undefined }> {
  const started = performance.now();
  let outcome: StepOutcome<T>;
  try {
    outcome = await work();
  } catch (error) {
    if (!isAppError(error) || error.exitCode === 2) throw error;
    outcome = { status: 'failed', summary: error.message };
  }
  return { step: { name, status: outcome.status, summary: outcome.summary, durationMs: Math.round(performance.now() - started) }, value: outcome.value };
}

/** `1 thing`, `2 things`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

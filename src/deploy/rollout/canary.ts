/**
 * A canary with Argo Rollouts' semantics: steps run in order (`setWeight` routes that share to
 * the candidate, `pause` waits its duration or for `promote`, `analysis` waits for its verdict),
 * background analysis runs from `startingStep`, and an inconclusive analysis pauses for a person.
 * After the last step the candidate becomes stable.
 */
import type { CanaryStrategy } from '../config/strategy-schema.js';
import { formatDuration } from '../config/duration.js';
import type { Reconciliation } from './reconciliation.js';

/** The run name of a canary's background analysis. */
export const BACKGROUND_RUN = 'background';

/** The run name of an inline analysis step. */
export function stepRunName(stepIndex: number): string {
  return `step-${stepIndex}`;
}

/** Moves to the next step (resuming a pause), recording the step in the audit trail. */
function advance(r: Reconciliation, strategy: CanaryStrategy): void {
  const state = r.rollout;
  state.stepIndex += 1;
  state.stepStartedAt = r.now;
  const message = state.stepIndex >= strategy.steps.length ? `all ${strategy.steps.length} steps done` : `step ${state.stepIndex + 1}/${strategy.steps.length}`;
  if (state.phase === 'Paused') r.resume(message);
  else r.transition('rollout.step', message);
}

/** Background analysis: started at its step; an inconclusive verdict holds the rollout. Returns false to stop here. */
function backgroundAllowsProgress(r: Reconciliation, strategy: CanaryStrategy): boolean {
  const background = strategy.analysis;
  if (!background || r.rollout.stepIndex < background.startingStep) return true;
  const verdict = r.verdict(BACKGROUND_RUN);
  if (verdict === undefined) {
    r.startAnalysis(BACKGROUND_RUN);
    return true;
  }
  if (verdict !== 'Inconclusive') return true;
  if (r.takePromote()) {
    // Argo restarts the background analysis when a person resumes past an inconclusive one.
    r.startAnalysis(BACKGROUND_RUN);
    r.resume('promoted past an inconclusive background analysis; the analysis starts again');
    return true;
  }
  if (r.rollout.pauseReason !== 'inconclusive') r.pause('inconclusive', 'background analysis was inconclusive: `sluice rollout promote` continues, `sluice rollout abort` goes back to stable');
  return false;
}

/** Runs as many steps as the clock, the verdicts and a promote request allow. */
export function reconcileCanary(r: Reconciliation, strategy: CanaryStrategy): void {
  const state = r.rollout;
  const total = strategy.steps.length;
  for (;;) {
    if (!backgroundAllowsProgress(r, strategy)) return;
    if (state.stepIndex >= total) {
      r.complete(`canary completed all ${total} steps: version ${state.candidateVersion} is stable`);
      return;
    }
    const step = strategy.steps[state.stepIndex]!;
    const position = `step ${state.stepIndex + 1}/${total}`;
    if ('setWeight' in step) {
      r.setWeight(step.setWeight);
      advance(r, strategy);
      continue;
    }
    if ('pause' in step) {
      const duration = step.pause.duration;
      if (r.takePromote()) {
        advance(r, strategy);
        continue;
      }
      if (duration === undefined) {
        if (!state.pausedIndefinitely) r.pause('step', `paused at ${position} until \`sluice rollout promote\``);
        return;
      }
      const until = state.stepStartedAt + duration;
      if (r.now >= until) {
        advance(r, strategy);
        continue;
      }
      if (state.pauseUntil !== until) r.pause('step', `paused at ${position} for ${formatDuration(duration)}`, until);
      return;
    }
    const name = stepRunName(state.stepIndex);
    const verdict = r.verdict(name);
    if (verdict === undefined) {
      r.startAnalysis(name);
      return;
    }
    if (verdict === 'Successful') {
      advance(r, strategy);
      continue;
    }
    if (r.takePromote()) {
      r.stopAnalysis(name);
      advance(r, strategy);
      continue;
    }
    if (verdict === 'Inconclusive' && state.pauseReason !== 'inconclusive') {
      r.pause('inconclusive', `analysis at ${position} was inconclusive: \`sluice rollout promote\` continues, \`sluice rollout abort\` goes back to stable`);
    }
    return;
  }
}

/**
 * Shadow and A/B rollouts: the candidate runs beside stable for a while, measured, and a person
 * (or, for a shadow, its `duration`) decides. A shadow answers no request (weight 0: it gets
 * copies); an A/B test answers its arm's share. A failed analysis aborts either (in the
 * controller, as for every strategy); an inconclusive one pauses for a person.
 */
import type { AbStrategy, ShadowStrategy } from '../config/strategy-schema.js';
import type { Reconciliation } from './reconciliation.js';

/** The run name of a shadow's or A/B test's analysis. */
export const EXPERIMENT_RUN = 'analysis';

export function reconcileExperiment(r: Reconciliation, strategy: ShadowStrategy | AbStrategy): void {
  const state = r.rollout;
  const what = strategy.kind === 'shadow' ? 'shadow' : 'A/B test';
  if (strategy.kind === 'ab') r.setWeight(strategy.weight);
  if (strategy.analysis) {
    const verdict = r.verdict(EXPERIMENT_RUN);
    if (verdict === undefined) r.startAnalysis(EXPERIMENT_RUN);
    else if (verdict === 'Inconclusive' && !r.takePromote()) {
      if (state.pauseReason !== 'inconclusive') r.pause('inconclusive', `the ${what}'s analysis was inconclusive: \`sluice rollout promote\` promotes, \`sluice rollout abort\` goes back`);
      return;
    } else if (verdict === 'Inconclusive') {
      return r.complete(`promoted by a person after an inconclusive ${what}: version ${state.candidateVersion} is stable`);
    }
  }
  if (r.takePromote()) return r.complete(`promoted by a person after the ${what}: version ${state.candidateVersion} is stable`);
  if (strategy.duration === undefined || r.now < state.stepStartedAt + strategy.duration) return;
  if (strategy.kind === 'shadow') return r.complete(`the shadow ran its duration without failing: version ${state.candidateVersion} is stable`);
  // An A/B test measures; choosing the winner is a person's call.
  if (state.pauseReason !== 'awaiting-promotion') r.pause('awaiting-promotion', 'the A/B test ran its duration: `sluice rollout promote` keeps the candidate, `sluice rollout abort` keeps stable');
}

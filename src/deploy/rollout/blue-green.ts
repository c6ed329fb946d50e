/**
 * Blue/green with Argo Rollouts' semantics: the candidate runs as the preview (weight 0, reachable
 * with `x-sluice-preview: 1`); pre-promotion analysis must succeed; then promotion is automatic
 * (at once, or `autoPromotionSeconds` after the preview is ready) unless `autoPromotionEnabled:
 * false` waits for `sluice rollout promote`. Promotion switches all traffic and the alias at once;
 * post-promotion analysis failing switches straight back (the old version is still loaded, kept
 * for `scaleDownDelaySeconds` after the rollout completes).
 */
import type { BlueGreenStrategy } from '../config/strategy-schema.js';
import type { Reconciliation } from './reconciliation.js';

export const PRE_PROMOTION_RUN = 'prePromotion';
export const POST_PROMOTION_RUN = 'postPromotion';

/** stepIndex of a blue/green rollout: the preview, then the promoted (switched) state. */
export const BLUE_GREEN_PREVIEW = 0;
export const BLUE_GREEN_PROMOTED = 1;

const HOLD = 'was inconclusive: `sluice rollout promote` continues, `sluice rollout abort` goes back';

function switchOver(r: Reconciliation, strategy: BlueGreenStrategy, why: string): void {
  const state = r.rollout;
  r.setWeight(100);
  r.effects.push({ kind: 'moveAlias', version: state.candidateVersion });
  state.stepIndex = BLUE_GREEN_PROMOTED;
  state.stepStartedAt = r.now;
  state.promotedAt = r.now;
  const message = `promoted (${why}): version ${state.candidateVersion} is active`;
  if (state.phase === 'Paused') r.resume(message);
  else r.transition('rollout.promoted', message);
  if (strategy.postPromotionAnalysis) r.startAnalysis(POST_PROMOTION_RUN);
  else finish(r, strategy);
}

function finish(r: Reconciliation, strategy: BlueGreenStrategy): void {
  const state = r.rollout;
  r.complete(`version ${state.candidateVersion} is active and stable`, {
    aliasMoved: true,
    releaseStableAt: r.now + strategy.scaleDownDelaySeconds * 1000,
  });
}

/** The preview phase: pre-promotion analysis, then automatic or manual promotion. */
function reconcilePreview(r: Reconciliation, strategy: BlueGreenStrategy): void {
  const state = r.rollout;
  let readyAt = state.stepStartedAt;
  if (strategy.prePromotionAnalysis) {
    const verdict = r.verdict(PRE_PROMOTION_RUN);
    if (verdict === undefined) {
      r.startAnalysis(PRE_PROMOTION_RUN);
      return;
    }
    if (verdict !== 'Successful') {
      if (r.takePromote()) return switchOver(r, strategy, 'promoted by a person');
      if (verdict === 'Inconclusive' && state.pauseReason !== 'inconclusive') r.pause('inconclusive', `pre-promotion analysis ${HOLD}`);
      return;
    }
    readyAt = r.run(PRE_PROMOTION_RUN)?.finishedAt ?? r.now;
  }
  if (r.takePromote()) return switchOver(r, strategy, 'promoted by a person');
  if (!strategy.autoPromotionEnabled) {
    if (!state.pausedIndefinitely) r.pause('awaiting-promotion', `preview version ${state.candidateVersion} is ready: \`sluice rollout promote\` switches to it`);
    return;
  }
  if (strategy.autoPromotionSeconds !== undefined) {
    const until = readyAt + strategy.autoPromotionSeconds * 1000;
    if (r.now < until) {
      if (state.pauseUntil !== until) r.pause('awaiting-promotion', `preview version ${state.candidateVersion} is ready; automatic promotion after ${strategy.autoPromotionSeconds}s`, until);
      return;
    }
  }
  switchOver(r, strategy, 'automatic promotion');
}

export function reconcileBlueGreen(r: Reconciliation, strategy: BlueGreenStrategy): void {
  if (r.rollout.stepIndex === BLUE_GREEN_PREVIEW) return reconcilePreview(r, strategy);
  const verdict = strategy.postPromotionAnalysis ? r.verdict(POST_PROMOTION_RUN) : 'Successful';
  if (verdict === 'Successful' || r.takePromote()) return finish(r, strategy);
  if (verdict === undefined) r.startAnalysis(POST_PROMOTION_RUN);
  else if (verdict === 'Inconclusive' && r.rollout.pauseReason !== 'inconclusive') r.pause('inconclusive', `post-promotion analysis ${HOLD}`);
}

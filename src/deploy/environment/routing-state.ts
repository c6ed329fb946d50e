/**
 * What an environment serves, from its rollout's persisted state: the stable version, the
 * candidate (during a rollout), the routing policy between them, and every version that must
 * stay loaded (blue/green keeps the old active version for `scaleDownDelaySeconds` after it
 * completes, so a switch back is instant). Pure: the runtime applies it after each reconcile,
 * and a restarted process computes the same state from the same row.
 */
import type { RoutingPolicy } from '../routing/traffic-router.js';
import { isInProgress, type Rollout } from '../rollout/rollout.js';

export interface RoutingState {
  /** The version answering the stable arm. */
  readonly stable: number;
  /** The version answering the candidate arm (canary, preview, shadow, B arm). */
  readonly candidate: number | undefined;
  readonly policy: RoutingPolicy;
  /** Versions to keep loaded (stable and candidate first); others are released. */
  readonly loaded: readonly number[];
}

const SINGLE: RoutingPolicy = { kind: 'single' };

/** The policy of a rollout in progress. */
function policyOf(rollout: Rollout): RoutingPolicy {
  const strategy = rollout.strategy;
  switch (strategy.kind) {
    case 'bluegreen':
      // Promoted (the switch), or the preview beside the active version.
      return rollout.weight >= 100 ? { kind: 'canary', weight: 100 } : { kind: 'bluegreen', previewReachable: true };
    case 'shadow':
      return { kind: 'shadow', percent: strategy.percent };
    case 'ab':
      return { kind: 'ab', match: strategy.match, userKey: strategy.userKey, weight: strategy.weight };
    case 'canary':
    case 'direct':
      return { kind: 'canary', weight: rollout.weight };
  }
}

/**
 * The routing state for an environment whose store says `stableVersion` serves and whose latest
 * rollout is `rollout`; undefined when nothing is deployed yet.
 */
export function routingStateOf(rollout: Rollout | undefined, stableVersion: number | undefined, now: number): RoutingState | undefined {
  if (rollout && isInProgress(rollout.phase)) {
    // An environment's first deploy has no stable version: the candidate serves alone.
    if (rollout.stableVersion === undefined) return { stable: rollout.candidateVersion, candidate: undefined, policy: SINGLE, loaded: [rollout.candidateVersion] };
    return { stable: rollout.stableVersion, candidate: rollout.candidateVersion, policy: policyOf(rollout), loaded: [rollout.stableVersion, rollout.candidateVersion] };
  }
  if (stableVersion === undefined) return undefined;
  const loaded = [stableVersion];
  // A completed blue/green keeps the previous active version for its scale-down delay.
  if (rollout?.strategy.kind === 'bluegreen' && rollout.phase === 'Healthy' && rollout.stableVersion !== undefined && rollout.stableVersion !== stableVersion) {
    const releaseAt = (rollout.finishedAt ?? rollout.updatedAt) + rollout.strategy.scaleDownDelaySeconds * 1000;
    if (now < releaseAt) loaded.push(rollout.stableVersion);
  }
  return { stable: stableVersion, candidate: undefined, policy: SINGLE, loaded };
}

/** Whether two policies route alike (a router is kept, with its counter, while they do). */
export function samePolicy(a: RoutingPolicy, b: RoutingPolicy): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

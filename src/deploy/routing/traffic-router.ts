/**
 * Which version answers a request during a rollout. Pure: the rollout controller decides the
 * weights, this turns them into per-request choices, so the same rules can sit in front of
 * in-process models today and of remote `sluice serve` backends later.
 *
 *  - canary: exactly `weight`% of requests go to the candidate, spread evenly (a counter, not a
 *    coin: over any N requests the share is within one request of N·weight/100);
 *  - blue/green: the active version answers; the preview answers requests with `x-sluice-preview: 1`;
 *  - shadow: the stable version answers; `percent`% of requests are also copied to the candidate;
 *  - A/B: a request whose match header/cookie fits goes to the candidate; otherwise its user key
 *    is hashed, so one user always lands on the same arm; a request without a user key has no user
 *    to keep on an arm, and is split by weight as a canary's (sending them all to the stable arm
 *    would leave an experiment whose clients send no key with no data on the candidate).
 */
import type { AbStrategy } from '../config/strategy-schema.js';

export type Arm = 'stable' | 'candidate';

/** What the router needs of the rollout's current state. */
export type RoutingPolicy =
  | { readonly kind: 'single' }
  | { readonly kind: 'canary'; readonly weight: number }
  | { readonly kind: 'bluegreen'; readonly previewReachable: boolean }
  | { readonly kind: 'shadow'; readonly percent: number }
  | { readonly kind: 'ab'; readonly match: AbStrategy['match']; readonly userKey: AbStrategy['userKey']; readonly weight: number };

/** A request as the router sees it: header (lower-case name) and cookie lookups. */
export interface RequestKeys {
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
}

export interface RouteDecision {
  readonly arm: Arm;
  /** Also send a copy to the candidate, whose answer is compared and never returned. */
  readonly shadow: boolean;
}

export const PREVIEW_HEADER = 'x-sluice-preview';

const STABLE: RouteDecision = { arm: 'stable', shadow: false };
const CANDIDATE: RouteDecision = { arm: 'candidate', shadow: false };

/** Decides per request; one router per policy (its counter spreads the weighted share). */
export class TrafficRouter {
  private sent = 0;
  private chosen = 0;
  private readonly compiledMatch: RegExp | undefined;

  constructor(readonly policy: RoutingPolicy) {
    this.compiledMatch = policy.kind === 'ab' && policy.match?.regex !== undefined ? new RegExp(policy.match.regex) : undefined;
  }

  route(request: RequestKeys): RouteDecision {
    const policy = this.policy;
    switch (policy.kind) {
      case 'single':
        return STABLE;
      case 'canary':
        return this.takeShare(policy.weight) ? CANDIDATE : STABLE;
      case 'bluegreen':
        return policy.previewReachable && request.header(PREVIEW_HEADER) === '1' ? CANDIDATE : STABLE;
      case 'shadow':
        return this.takeShare(policy.percent) ? { arm: 'stable', shadow: true } : STABLE;
      case 'ab':
        return this.routeAb(policy, request);
    }
  }

  /**
   * True for `percent`% of calls, evenly spread: the n-th call is chosen when the running count
   * of chosen calls falls behind n·percent/100 (hand-written: a one-line error-diffusion rule).
   */
  private takeShare(percent: number): boolean {
    this.sent += 1;
    if (this.chosen * 100 < this.sent * percent) {
      this.chosen += 1;
      return true;
    }
    return false;
  }

  private routeAb(policy: Extract<RoutingPolicy, { kind: 'ab' }>, request: RequestKeys): RouteDecision {
    if (policy.match) {
      const value = readKey(policy.match, request);
      if (value === undefined) return STABLE;
      if (policy.match.value !== undefined) return value === policy.match.value ? CANDIDATE : STABLE;
      if (this.compiledMatch) return this.compiledMatch.test(value) ? CANDIDATE : STABLE;
      return CANDIDATE;
    }
    const user = readKey(policy.userKey, request);
    if (user === undefined || user === '') return this.takeShare(policy.weight) ? CANDIDATE : STABLE;
    return bucketOf(user) < policy.weight ? CANDIDATE : STABLE;
  }
}

function readKey(key: { readonly header?: string | undefined; readonly cookie?: string | undefined }, request: RequestKeys): string | undefined {
  return key.header !== undefined ? request.header(key.header.toLowerCase()) : key.cookie !== undefined ? request.cookie(key.cookie) : undefined;
}

/**
 * A user key's bucket in [0, 100): FNV-1a over its UTF-16 code units, then mod 100. Stable across
 * processes, workers and restarts (no seed), which is what keeps a user on one arm; hand-written
 * because it is five lines and must never change with a library's version.
 */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

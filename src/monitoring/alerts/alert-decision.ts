/**
 * De-duplication and cool-down of one alert rule, decided per window (pure). An incident starts
 * when the rule's condition holds after it did not, and lasts while it keeps holding: one alert
 * per incident, repeated only once the cool-down has passed since the last one (as Alertmanager's
 * repeat interval). A rule that flaps (holds, clears, holds again) within its cool-down is
 * suppressed: a new incident, but no new notification until the cool-down is over.
 */

export interface AlertState {
  /** Whether the condition held on the last window. */
  readonly active: boolean;
  /** When this rule last notified (ms since the epoch), if ever. */
  readonly lastFiredAt: number | undefined;
}

export type AlertDecision = 'fire' | 'repeat' | 'suppressed' | 'quiet' | 'resolved';

export const INITIAL_ALERT_STATE: AlertState = { active: false, lastFiredAt: undefined };

export function decideAlert(state: AlertState, holds: boolean, now: number, cooldownMs: number): { decision: AlertDecision; state: AlertState } {
  if (!holds) return { decision: state.active ? 'resolved' : 'quiet', state: { active: false, lastFiredAt: state.lastFiredAt } };
  const cooled = state.lastFiredAt === undefined || now - state.lastFiredAt >= cooldownMs;
  if (!cooled) return { decision: 'suppressed', state: { active: true, lastFiredAt: state.lastFiredAt } };
  return { decision: state.active ? 'repeat' : 'fire', state: { active: true, lastFiredAt: now } };
}

/** One alert per incident, repeated only after the cool-down, and flapping suppressed within it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAlert, INITIAL_ALERT_STATE, type AlertDecision, type AlertState } from './alert-decision.js';

const HOUR = 3_600_000;

/** The decisions for a sequence of (holds, minute) windows. */
function decisions(windows: readonly [boolean, number][], cooldown = HOUR): AlertDecision[] {
  let state: AlertState = INITIAL_ALERT_STATE;
  return windows.map(([holds, minute]) => {
    const next = decideAlert(state, holds, minute * 60_000, cooldown);
    state = next.state;
    return next.decision;
  });
}

test('a condition holding over many windows fires once, then repeats only after the cool-down', () => {
  assert.deepEqual(decisions([[true, 0], [true, 10], [true, 50], [true, 60], [true, 70]]), ['fire', 'suppressed', 'suppressed', 'repeat', 'suppressed']);
});

test('an incident that clears is resolved, and a later one fires anew', () => {
  assert.deepEqual(decisions([[true, 0], [false, 10], [false, 20], [true, 90]]), ['fire', 'resolved', 'quiet', 'fire']);
});

test('flapping within the cool-down is suppressed', () => {
  assert.deepEqual(decisions([[true, 0], [false, 5], [true, 10]]), ['fire', 'resolved', 'suppressed']);
});

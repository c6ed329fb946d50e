/** What an environment serves, from its rollout row: versions to load and the routing policy. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { strategySchema } from '../config/strategy-schema.js';
import type { Rollout } from '../rollout/rollout.js';
import { routingStateOf } from './routing-state.js';

function rollout(strategy: unknown, fields: Partial<Rollout> = {}): Rollout {
  return {
    id: 'r', environment: 'production', model: 'bc', alias: 'production', stableVersion: 1, candidateVersion: 2, strategy: strategySchema.parse(strategy),
    phase: 'Progressing', stepIndex: 0, stepStartedAt: 0, weight: 0, pauseUntil: undefined, pausedIndefinitely: false, pauseReason: undefined, promotedAt: undefined,
    analysisRuns: [], message: '', createdAt: 0, updatedAt: 0, finishedAt: undefined, revision: 1, ...fields,
  };
}

describe('routing state', () => {
  test('a canary in progress loads both versions and routes its weight to the candidate', () => {
    const state = routingStateOf(rollout({ canary: { steps: [{ setWeight: 20 }] } }, { weight: 20 }), 1, 0);
    assert.deepEqual(state, { stable: 1, candidate: 2, policy: { kind: 'canary', weight: 20 }, loaded: [1, 2] });
  });

  test('a degraded canary serves the stable version alone', () => {
    assert.deepEqual(routingStateOf(rollout({ canary: { steps: [{ setWeight: 20 }] } }, { phase: 'Degraded' }), 1, 0), { stable: 1, candidate: undefined, policy: { kind: 'single' }, loaded: [1] });
  });

  test('blue/green: the preview before promotion, all traffic after the switch', () => {
    assert.deepEqual(routingStateOf(rollout({ blueGreen: {} }), 1, 0)?.policy, { kind: 'bluegreen', previewReachable: true });
    assert.deepEqual(routingStateOf(rollout({ blueGreen: {} }, { weight: 100, stepIndex: 1 }), 1, 0)?.policy, { kind: 'canary', weight: 100 });
  });

  test('a completed blue/green keeps the old active version loaded for its scale-down delay, then releases it', () => {
    const done = rollout({ blueGreen: { scaleDownDelaySeconds: 30 } }, { phase: 'Healthy', weight: 100, finishedAt: 1000 });
    assert.deepEqual(routingStateOf(done, 2, 20_000)?.loaded, [2, 1]);
    assert.deepEqual(routingStateOf(done, 2, 31_000)?.loaded, [2]);
  });

  test('shadow and A/B take their settings from the strategy', () => {
    assert.deepEqual(routingStateOf(rollout({ shadow: { percent: 25 } }), 1, 0)?.policy, { kind: 'shadow', percent: 25 });
    assert.deepEqual(routingStateOf(rollout({ ab: { weight: 10 } }), 1, 0)?.policy, { kind: 'ab', match: undefined, userKey: { header: 'x-user-id' }, weight: 10 });
  });

  test('nothing deployed: nothing to serve; a first deploy serves its candidate alone', () => {
    assert.equal(routingStateOf(undefined, undefined, 0), undefined);
    assert.deepEqual(routingStateOf(rollout({ canary: { steps: [{ setWeight: 20 }] } }, { stableVersion: undefined }), undefined, 0)?.loaded, [2]);
  });
});

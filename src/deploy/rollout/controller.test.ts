/**
 * The rollout controller as a specification: each test starts a rollout at an explicit time,
 * feeds it times, verdicts and a person's requests, and checks the state and effects that come
 * back. No clock, no sleeping, no I/O.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import type { AnalysisPhase } from '../analysis/analysis-types.js';
import { strategySchema, type Strategy } from '../config/strategy-schema.js';
import { beginRollout, reconcile } from './controller.js';
import type { ReconcileInputs, ReconcileResult, RolloutEffect } from './rollout.js';

const T0 = 1_000_000;
const ANALYSIS = { metrics: [{ name: 'live-accuracy', interval: '10s', successCondition: 'result >= 0.9', provider: { feedback: { metric: 'accuracy' } } }] };

function strategy(raw: unknown): Strategy {
  return strategySchema.parse(raw) as z.output<typeof strategySchema>;
}

function begin(raw: unknown, stableVersion: number | null = 1): ReconcileResult {
  return beginRollout({ id: 'r1', environment: 'production', model: 'bc', alias: 'production', stableVersion: stableVersion ?? undefined, candidateVersion: 2, strategy: strategy(raw), now: T0 });
}

function next(previous: ReconcileResult, inputs: Partial<ReconcileInputs> & { at: number; verdicts?: Record<string, AnalysisPhase> }): ReconcileResult {
  return reconcile(previous.rollout, previous.rollout.strategy, { now: T0 + inputs.at, analysis: inputs.verdicts, promote: inputs.promote, fullPromote: inputs.fullPromote, abort: inputs.abort, rollback: inputs.rollback });
}

function kinds(effects: readonly RolloutEffect[], kind: RolloutEffect['kind']): RolloutEffect[] {
  return effects.filter((effect) => effect.kind === kind);
}

function aliasMoves(result: ReconcileResult): number[] {
  return kinds(result.effects, 'moveAlias').map((effect) => (effect as { version: number }).version);
}

const CANARY = { canary: { steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 50 }, { pause: {} }] } };

describe('direct', () => {
  test('switches at once: weight 100, the alias moves to the candidate, the old version is released, Healthy', () => {
    const result = begin({ direct: {} });
    assert.equal(result.rollout.phase, 'Healthy');
    assert.equal(result.rollout.weight, 100);
    assert.deepEqual(aliasMoves(result), [2]);
    assert.deepEqual(kinds(result.effects, 'releaseVersion'), [{ kind: 'releaseVersion', version: 1, at: T0 }]);
  });

  test('a first deploy (no stable version) switches at once whatever the strategy, as Argo does', () => {
    const result = begin(CANARY, null);
    assert.equal(result.rollout.phase, 'Healthy');
    assert.equal(result.rollout.strategy.kind, 'direct');
    assert.deepEqual(aliasMoves(result), [2]);
  });
});

describe('canary steps', () => {
  test('setWeight routes its share at once and the following timed pause holds the rollout Paused until its end', () => {
    const result = begin(CANARY);
    assert.equal(result.rollout.weight, 20);
    assert.deepEqual(kinds(result.effects, 'setWeight'), [{ kind: 'setWeight', weight: 20 }]);
    assert.equal(result.rollout.phase, 'Paused');
    assert.equal(result.rollout.stepIndex, 1);
    assert.equal(result.rollout.pauseUntil, T0 + 30_000);
  });

  test('before the pause ends nothing changes', () => {
    const result = next(begin(CANARY), { at: 29_999 });
    assert.equal(result.rollout.stepIndex, 1);
    assert.deepEqual(result.effects, []);
  });

  test('when the pause ends the canary moves on to the next weight and stops at an indefinite pause', () => {
    const result = next(begin(CANARY), { at: 30_000 });
    assert.equal(result.rollout.weight, 50);
    assert.equal(result.rollout.stepIndex, 3);
    assert.equal(result.rollout.phase, 'Paused');
    assert.equal(result.rollout.pausedIndefinitely, true);
  });

  test('an indefinite pause waits however long until promote', () => {
    const paused = next(begin(CANARY), { at: 30_000 });
    assert.equal(next(paused, { at: 10 * 86_400_000 }).rollout.stepIndex, 3);
  });

  test('promote past the last step completes: weight 100, the alias moves, the old stable is released, Healthy', () => {
    const done = next(next(begin(CANARY), { at: 30_000 }), { at: 31_000, promote: true });
    assert.equal(done.rollout.phase, 'Healthy');
    assert.equal(done.rollout.weight, 100);
    assert.deepEqual(aliasMoves(done), [2]);
    assert.deepEqual(kinds(done.effects, 'releaseVersion'), [{ kind: 'releaseVersion', version: 1, at: T0 + 31_000 }]);
    assert.equal(done.rollout.finishedAt, T0 + 31_000);
  });

  test('promote skips a timed pause before its end', () => {
    const result = next(begin(CANARY), { at: 5_000, promote: true });
    assert.equal(result.rollout.weight, 50);
    assert.equal(result.rollout.stepIndex, 3);
  });

  test('one promote releases one wait, not every pause after it', () => {
    const twoPauses = { canary: { steps: [{ setWeight: 10 }, { pause: {} }, { pause: {} }, { setWeight: 60 }] } };
    const result = next(begin(twoPauses), { at: 1_000, promote: true });
    assert.equal(result.rollout.stepIndex, 2);
    assert.equal(result.rollout.phase, 'Paused');
  });

  test('full promotion skips every remaining step', () => {
    const result = next(begin(CANARY), { at: 1_000, fullPromote: true });
    assert.equal(result.rollout.phase, 'Healthy');
    assert.deepEqual(aliasMoves(result), [2]);
  });

  test('abort sets the weight to 0, keeps the alias on stable, releases the candidate, Aborted', () => {
    const result = next(begin(CANARY), { at: 1_000, abort: true });
    assert.equal(result.rollout.phase, 'Aborted');
    assert.equal(result.rollout.weight, 0);
    assert.deepEqual(aliasMoves(result), []);
    assert.deepEqual(kinds(result.effects, 'releaseVersion'), [{ kind: 'releaseVersion', version: 2, at: T0 + 1_000 }]);
  });

  test('every step and phase change is reported as a transition for the audit log', () => {
    const actions = kinds(begin(CANARY).effects, 'transition').map((effect) => (effect as { action: string }).action);
    assert.deepEqual(actions, ['rollout.started', 'rollout.step', 'rollout.paused']);
  });
});

describe('canary analysis', () => {
  const inline = { canary: { steps: [{ setWeight: 20 }, { analysis: ANALYSIS }, { setWeight: 60 }, { pause: {} }] } };

  test('an inline analysis step starts its run and waits for the verdict', () => {
    const result = begin(inline);
    assert.deepEqual(kinds(result.effects, 'startAnalysis'), [{ kind: 'startAnalysis', name: 'step-1' }]);
    assert.equal(result.rollout.analysisRuns[0]?.phase, 'Pending');
    assert.equal(next(result, { at: 60_000, verdicts: { 'step-1': 'Running' } }).rollout.stepIndex, 1);
  });

  test('a successful inline analysis moves the canary to the next step', () => {
    const result = next(begin(inline), { at: 20_000, verdicts: { 'step-1': 'Successful' } });
    assert.equal(result.rollout.weight, 60);
    assert.equal(result.rollout.stepIndex, 3);
  });

  test('a failed analysis sets the weight to 0, marks the rollout Degraded, keeps stable serving and raises an alert', () => {
    const result = next(begin(inline), { at: 20_000, verdicts: { 'step-1': 'Failed' } });
    assert.equal(result.rollout.phase, 'Degraded');
    assert.equal(result.rollout.weight, 0);
    assert.deepEqual(aliasMoves(result), []);
    const alerts = kinds(result.effects, 'alert');
    assert.equal(alerts.length, 1);
    assert.match((alerts[0] as { message: string }).message, /step-1.*failed.*stable version 1 keeps serving/);
  });

  test('an analysis error aborts as a failure does (Argo)', () => {
    assert.equal(next(begin(inline), { at: 20_000, verdicts: { 'step-1': 'Error' } }).rollout.phase, 'Degraded');
  });

  test('an inconclusive analysis pauses the rollout for a person', () => {
    const result = next(begin(inline), { at: 20_000, verdicts: { 'step-1': 'Inconclusive' } });
    assert.equal(result.rollout.phase, 'Paused');
    assert.equal(result.rollout.pauseReason, 'inconclusive');
    assert.equal(result.rollout.weight, 20);
  });

  test('promote after an inconclusive analysis goes on with the next step', () => {
    const held = next(begin(inline), { at: 20_000, verdicts: { 'step-1': 'Inconclusive' } });
    const result = next(held, { at: 30_000, promote: true });
    assert.equal(result.rollout.weight, 60);
    assert.equal(result.rollout.stepIndex, 3);
  });

  const background = { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }], analysis: { ...ANALYSIS, startingStep: 2 } } };

  test('background analysis starts only when the canary reaches startingStep', () => {
    const first = begin(background);
    assert.deepEqual(kinds(first.effects, 'startAnalysis'), []);
    const later = next(first, { at: 1_000, promote: true });
    assert.deepEqual(kinds(later.effects, 'startAnalysis'), [{ kind: 'startAnalysis', name: 'background' }]);
  });

  test('a failing background analysis degrades the rollout during a pause', () => {
    const running = next(begin(background), { at: 1_000, promote: true });
    const result = next(running, { at: 11_000, verdicts: { background: 'Failed' } });
    assert.equal(result.rollout.phase, 'Degraded');
    assert.equal(result.rollout.weight, 0);
    assert.deepEqual(kinds(result.effects, 'stopAnalysis'), []);
  });

  test('completion stops the background analysis', () => {
    const running = next(begin(background), { at: 1_000, promote: true });
    const done = next(running, { at: 2_000, verdicts: { background: 'Running' }, fullPromote: true });
    assert.deepEqual(kinds(done.effects, 'stopAnalysis'), [{ kind: 'stopAnalysis', name: 'background' }]);
  });

  test('promote past an inconclusive background analysis restarts it', () => {
    const running = next(begin(background), { at: 1_000, promote: true });
    const held = next(running, { at: 2_000, verdicts: { background: 'Inconclusive' } });
    assert.equal(held.rollout.pauseReason, 'inconclusive');
    const resumed = next(held, { at: 3_000, promote: true });
    assert.deepEqual(kinds(resumed.effects, 'startAnalysis'), [{ kind: 'startAnalysis', name: 'background' }]);
    assert.equal(resumed.rollout.analysisRuns.find((run) => run.name === 'background')?.phase, 'Pending');
  });
});

describe('blue/green', () => {
  test('the preview is loaded at weight 0 and, with no analysis and no delay, promoted at once', () => {
    const result = begin({ blueGreen: {} });
    assert.deepEqual(kinds(result.effects, 'loadVersion'), [{ kind: 'loadVersion', version: 2 }]);
    assert.equal(result.rollout.phase, 'Healthy');
    assert.deepEqual(aliasMoves(result), [2]);
  });

  test('the old active version is released after scaleDownDelaySeconds', () => {
    const result = begin({ blueGreen: { scaleDownDelaySeconds: 45 } });
    assert.deepEqual(kinds(result.effects, 'releaseVersion'), [{ kind: 'releaseVersion', version: 1, at: T0 + 45_000 }]);
  });

  test('autoPromotionEnabled false waits at weight 0 for promote', () => {
    const waiting = begin({ blueGreen: { autoPromotionEnabled: false } });
    assert.equal(waiting.rollout.phase, 'Paused');
    assert.equal(waiting.rollout.weight, 0);
    const promoted = next(waiting, { at: 5_000, promote: true });
    assert.equal(promoted.rollout.phase, 'Healthy');
    assert.equal(promoted.rollout.weight, 100);
  });

  test('autoPromotionSeconds promotes that long after the preview is ready', () => {
    const waiting = begin({ blueGreen: { autoPromotionSeconds: 60 } });
    assert.equal(next(waiting, { at: 59_999 }).rollout.phase, 'Paused');
    assert.equal(next(waiting, { at: 60_000 }).rollout.phase, 'Healthy');
  });

  test('pre-promotion analysis must succeed before the switch', () => {
    const waiting = begin({ blueGreen: { prePromotionAnalysis: ANALYSIS } });
    assert.equal(waiting.rollout.weight, 0);
    assert.deepEqual(kinds(waiting.effects, 'startAnalysis'), [{ kind: 'startAnalysis', name: 'prePromotion' }]);
    const promoted = next(waiting, { at: 30_000, verdicts: { prePromotion: 'Successful' } });
    assert.equal(promoted.rollout.phase, 'Healthy');
  });

  test('a failed pre-promotion analysis aborts without ever switching', () => {
    const result = next(begin({ blueGreen: { prePromotionAnalysis: ANALYSIS } }), { at: 30_000, verdicts: { prePromotion: 'Failed' } });
    assert.equal(result.rollout.phase, 'Degraded');
    assert.deepEqual(aliasMoves(result), []);
  });

  test('a failed post-promotion analysis switches straight back: weight 0 and the alias back on the old version', () => {
    const switched = begin({ blueGreen: { postPromotionAnalysis: ANALYSIS } });
    assert.equal(switched.rollout.weight, 100);
    assert.equal(switched.rollout.phase, 'Progressing');
    const result = next(switched, { at: 30_000, verdicts: { postPromotion: 'Failed' } });
    assert.equal(result.rollout.phase, 'Degraded');
    assert.equal(result.rollout.weight, 0);
    assert.deepEqual(aliasMoves(result), [1]);
  });

  test('a successful post-promotion analysis completes the rollout', () => {
    const switched = begin({ blueGreen: { postPromotionAnalysis: ANALYSIS } });
    assert.equal(next(switched, { at: 30_000, verdicts: { postPromotion: 'Successful' } }).rollout.phase, 'Healthy');
  });
});

describe('shadow and A/B', () => {
  test('a shadow answers nothing (weight 0) and runs until promote', () => {
    const running = begin({ shadow: { analysis: ANALYSIS } });
    assert.equal(running.rollout.weight, 0);
    assert.equal(running.rollout.phase, 'Progressing');
    assert.equal(next(running, { at: 86_400_000 }).rollout.phase, 'Progressing');
    assert.equal(next(running, { at: 1_000, promote: true }).rollout.phase, 'Healthy');
  });

  test('a shadow with a duration is promoted when it ends', () => {
    const running = begin({ shadow: { duration: '5m' } });
    assert.equal(next(running, { at: 299_999 }).rollout.phase, 'Progressing');
    assert.equal(next(running, { at: 300_000 }).rollout.phase, 'Healthy');
  });

  test('a failed shadow analysis aborts the shadow', () => {
    const result = next(begin({ shadow: { analysis: ANALYSIS } }), { at: 10_000, verdicts: { analysis: 'Failed' } });
    assert.equal(result.rollout.phase, 'Degraded');
    assert.deepEqual(aliasMoves(result), []);
  });

  test('an A/B test routes its arm weight and runs until promote or abort, even past its duration', () => {
    const running = begin({ ab: { weight: 30, duration: '1h' } });
    assert.equal(running.rollout.weight, 30);
    const ended = next(running, { at: 3_600_000 });
    assert.equal(ended.rollout.phase, 'Paused');
    assert.equal(next(ended, { at: 3_700_000, abort: true }).rollout.phase, 'Aborted');
  });

  test('a failed A/B analysis aborts the test', () => {
    assert.equal(next(begin({ ab: { analysis: ANALYSIS } }), { at: 10_000, verdicts: { analysis: 'Failed' } }).rollout.phase, 'Degraded');
  });
});

describe('rollback', () => {
  test('after completion: the old stable version is loaded, the alias moves back, RolledBack', () => {
    const done = begin({ direct: {} });
    const result = next(done, { at: 60_000, rollback: true });
    assert.equal(result.rollout.phase, 'RolledBack');
    assert.deepEqual(kinds(result.effects, 'loadVersion'), [{ kind: 'loadVersion', version: 1 }]);
    assert.deepEqual(aliasMoves(result), [1]);
    assert.equal(result.rollout.weight, 0);
  });

  test('during a canary: weight 0 at once, the alias never moved', () => {
    const result = next(begin(CANARY), { at: 1_000, rollback: true });
    assert.equal(result.rollout.phase, 'RolledBack');
    assert.equal(result.rollout.weight, 0);
    assert.deepEqual(aliasMoves(result), []);
  });

  test('a finished rollout ignores promote and abort', () => {
    const done = begin({ direct: {} });
    assert.deepEqual(next(done, { at: 1_000, abort: true }).effects, []);
    assert.equal(next(done, { at: 1_000, abort: true }).rollout.phase, 'Healthy');
  });
});

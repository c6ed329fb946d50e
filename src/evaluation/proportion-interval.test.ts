/** The Wilson interval agrees with SciPy's, including at the edges (no successes, all successes). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wilsonInterval } from './proportion-interval.js';

const close = (actual: readonly [number, number] | undefined, expected: [number, number]) => {
  assert.ok(actual);
  assert.ok(Math.abs(actual[0] - expected[0]) < 1e-9 && Math.abs(actual[1] - expected[1]) < 1e-9, `${actual} vs ${expected}`);
};

test('matches scipy.stats.binomtest(k, n).proportion_ci(method="wilson")', () => {
  close(wilsonInterval(81 / 100, 100), [0.7222115462093562, 0.8748524849023126]);
  close(wilsonInterval(1, 171), [0.9780289020315618, 1]);
  close(wilsonInterval(0, 20), [0, 0.16112515805281935]);
});

test('no trials, no interval', () => {
  assert.equal(wilsonInterval(0.9, 0), undefined);
  assert.equal(wilsonInterval(Number.NaN, 10), undefined);
});

/** The metric names gates accept and docs/metrics.md lists are the ones scoring returns. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { scoreTarget } from './evaluate.js';
import { renderMetricDocs, TASK_METRICS } from './metric-names.js';

const docsPath = new URL('../../../docs/metrics.md', import.meta.url);

test('docs/metrics.md lists exactly the metric names in the code (run `node scripts/metrics-doc.mjs` to update)', () => {
  assert.equal(readFileSync(docsPath, 'utf8'), renderMetricDocs());
});

test('binary scoring returns exactly the binary metric names', () => {
  const target = { task: 'binary' as const, classes: ['0', '1'], truth: Int32Array.from([0, 1, 1, 0]), probabilities: Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.6, 0.4]), positive: 1, negative: 0 };
  assert.deepEqual(Object.keys(scoreTarget(target, 0.5).metrics), TASK_METRICS.binary);
});

test('multiclass scoring returns exactly the multiclass metric names', () => {
  const probabilities = Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6]);
  const target = { task: 'multiclass' as const, classes: ['a', 'b', 'c'], truth: Int32Array.from([0, 1, 2]), probabilities, positive: 0, negative: 0 };
  assert.deepEqual(Object.keys(scoreTarget(target, 0.5).metrics), TASK_METRICS.multiclass);
});

test('regression scoring returns exactly the regression metric names', () => {
  const target = { task: 'regression' as const, truth: Float64Array.from([1, 2, 3]), predicted: Float64Array.from([1.1, 1.9, 3.2]) };
  assert.deepEqual(Object.keys(scoreTarget(target, 0.5).metrics), TASK_METRICS.regression);
});

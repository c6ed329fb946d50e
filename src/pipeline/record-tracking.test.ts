/** Pipeline metrics as tracking metrics: bare names, the rule for keys two files define, the file tag. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsFileTag, trackingMetrics } from './record-tracking.js';

const file = (path: string, values: Record<string, unknown>) => ({ path, values, error: undefined });
const keys = (files: Parameters<typeof trackingMetrics>[0]) => Object.fromEntries(trackingMetrics(files, 0).map((metric) => [metric.key, metric.value]));

test('pipeline metrics are logged under the names their file gives them', () => {
  assert.deepEqual(keys([file('metrics/eval.json', { r2: 0.5, 'test.rmse': 1.2, passed: true })]), { r2: 0.5, 'test.rmse': 1.2, passed: 1 });
});

test('a key two files define keeps its bare name in the first file; later files prefix it with their stem', () => {
  assert.deepEqual(keys([file('metrics/train.json', { r2: 0.9, loss: 0.1 }), file('metrics/eval.json', { r2: 0.5, mae: 2 })]), { r2: 0.9, loss: 0.1, 'eval.r2': 0.5, mae: 2 });
});

test('when the later files share a stem too, their path (without extension) is the prefix', () => {
  assert.deepEqual(keys([file('a/metrics.json', { r2: 1 }), file('b/metrics.json', { r2: 2 }), file('c/metrics.json', { r2: 3 })]), { r2: 1, 'b/metrics.r2': 2, 'c/metrics.r2': 3 });
});

test('the metrics files are named in a tag, so a metric can be traced to its file', () => {
  assert.equal(metricsFileTag([file('metrics.json', { r2: 1 }), file('metrics/eval.json', {})]), 'metrics.json, metrics/eval.json');
  assert.equal(metricsFileTag([]), undefined);
});

/** The requests provider: rates and latency percentiles from a version's request counters. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requestMetric, requestsProvider, type RequestStats } from './requests-provider.js';

const STATS: RequestStats = { count: 200, errors: 3, latenciesMs: Array.from({ length: 200 }, (_, i) => i + 1) };

describe('the requests provider', () => {
  test('error_rate is failed requests over all requests', () => {
    assert.deepEqual(requestMetric('error_rate', STATS), { kind: 'value', value: 0.015, message: '3 of 200 requests failed' });
  });

  test('success_rate is the complement of error_rate', () => {
    const outcome = requestMetric('success_rate', STATS);
    assert.equal(outcome.kind === 'value' && outcome.value, 0.985);
  });

  test('latency percentiles are nearest-rank over the window, as sluice gate measures latency', () => {
    const values = (['p50_latency', 'p95_latency', 'p99_latency', 'mean_latency'] as const).map((metric) => {
      const outcome = requestMetric(metric, { ...STATS, latenciesMs: Float64Array.from(STATS.latenciesMs).reverse() });
      return outcome.kind === 'value' ? outcome.value : undefined;
    });
    assert.deepEqual(values, [100, 190, 198, 100.5]);
  });

  test('without requests, rates and latencies are not enough data, and request_count is 0', () => {
    const none: RequestStats = { count: 0, errors: 0, latenciesMs: [] };
    assert.equal(requestMetric('error_rate', none).kind, 'not-enough-data');
    assert.equal(requestMetric('p99_latency', none).kind, 'not-enough-data');
    assert.deepEqual(requestMetric('request_count', none), { kind: 'value', value: 0 });
  });

  test('asks its source for the candidate version since the analysis started', async () => {
    const asked: Array<[string, number]> = [];
    const provider = requestsProvider({ requestStats: (version, since) => (asked.push([version, since]), STATS) });
    await provider.measure({ metric: 'request_count' }, { target: { environment: 'production', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 42 }, now: 100 });
    assert.deepEqual(asked, [['2', 42]]);
  });
});

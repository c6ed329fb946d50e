/**
 * A monitor's windows as series: oldest first, a `null` where a check was not judged, live
 * accuracy's interval from Wilson's formula unless the check stored one, and each column's drift
 * scaled so that 1 is its threshold whichever the method.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckResult } from '../checks/check-result.js';
import type { MonitorWindow } from '../store/monitor-store.js';
import { driftScore, monitorTimeline } from './monitor-timeline.js';

function window(id: string, endedAt: number, results: CheckResult[]): MonitorWindow {
  return { id, environment: 'production', startedAt: endedAt - 60_000, endedAt, rows: 200, versions: ['1'], closedAt: endedAt + 1, results };
}

const performance = (values: Record<string, unknown>): CheckResult => ({ check: 'performance', status: 'passed', summary: '', values: { judged: true, ...values } });

test('series run oldest first, with null where a check was not judged', () => {
  const timeline = monitorTimeline(
    [
      window('late', 3000, [performance({ metric: 'accuracy', value: 0.9, labels: 100 })]),
      window('early', 1000, [{ check: 'performance', status: 'not_enough_data', summary: '', values: { judged: false } }]),
    ],
    { performance: { metric: 'accuracy', min: 0.8, min_labels: 50 } },
  );
  assert.deepEqual(timeline.endedAt, [1000, 3000]);
  assert.deepEqual(timeline.performance!.value, [null, 0.9]);
  assert.equal(timeline.performance!.min, 0.8);
  assert.equal(timeline.dataDrift, undefined, 'a check the monitor neither runs nor stored is left out');
});

test("accuracy gets Wilson's interval; an interval the check stored is used as it is; other metrics get none", () => {
  const timeline = monitorTimeline([
    window('a', 1000, [performance({ metric: 'accuracy', value: 0.81, labels: 100 })]),
    window('b', 2000, [performance({ metric: 'accuracy', value: 0.81, labels: 100, interval: [0.7, 0.9] })]),
    window('c', 3000, [performance({ metric: 'roc_auc', value: 0.81, labels: 100 })]),
  ]);
  assert.ok(Math.abs(timeline.performance!.low[0]! - 0.7222115462093562) < 1e-9);
  assert.deepEqual([timeline.performance!.low[1], timeline.performance!.high[1]], [0.7, 0.9]);
  assert.deepEqual([timeline.performance!.low[2], timeline.performance!.high[2]], [null, null]);
});

test('a drift score is 1 at the threshold, for p-value tests and distances alike', () => {
  assert.equal(driftScore({ statistic: 0.2, p_value: 0.05, threshold: 0.05 }), 1);
  assert.ok(driftScore({ statistic: 0.4, p_value: 0.0001, threshold: 0.05 }) > 1);
  assert.ok(driftScore({ statistic: 0.1, p_value: 0.5, threshold: 0.05 }) < 1);
  assert.equal(driftScore({ statistic: 0.2, p_value: null, threshold: 0.1 }), 2);
  assert.equal(driftScore({ statistic: 0.5, p_value: 0, threshold: 0.05 }), Number.POSITIVE_INFINITY);
});

test('slo series appear when windows hold slo results, with p99 latency and error rate', () => {
  const timeline = monitorTimeline([window('a', 1000, [{ check: 'slo', status: 'passed', summary: '', values: { judged: true, p99_ms: 42, error_rate: 0.01 } }])]);
  assert.deepEqual(timeline.slo!.p99Ms, [42]);
  assert.deepEqual(timeline.slo!.errorRate, [0.01]);
});

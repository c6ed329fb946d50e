/**
 * `slo`: the service-level objectives of a window, from the prediction log: the share of requests
 * that failed with a server error (5xx; client errors, 4xx, reported apart, as a bad request is
 * the caller's) and latency percentiles of the answered ones (the server records each answer's
 * time from the request received; gRPC answers and logs written before Sluice recorded latency
 * have none). Breached when p99 or the error rate is above its objective.
 */
import type { MonitorChecks } from '../config/monitor-schema.js';
import type { LogRecords } from '../log/log-records.js';
import { notEnoughData, type CheckResult } from './check-result.js';

/** The q-quantile of sorted values, by nearest rank (what latency percentiles usually report). */
function nearestRank(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function sloCheck(spec: NonNullable<MonitorChecks['slo']>, requests: LogRecords, minRows: number): CheckResult {
  if (requests.length < minRows) return notEnoughData('slo', `${requests.length} requests, fewer than min_rows ${minRows}`);
  let serverErrors = 0;
  let clientErrors = 0;
  const latencies: number[] = [];
  for (let index = 0; index < requests.length; index++) {
    const error = requests.error(index);
    const latency = requests.latency(index);
    if (error !== undefined) {
      if (error >= 500) serverErrors++;
      else clientErrors++;
    } else if (latency !== undefined) latencies.push(latency);
  }
  const errorRate = serverErrors / requests.length;
  const sorted = Float64Array.from(latencies).sort();
  const p = (q: number) => (sorted.length === 0 ? null : nearestRank(sorted, q));
  const p99 = p(0.99);
  const breached: string[] = [];
  if (spec.p99_ms !== undefined && p99 !== null && p99 > spec.p99_ms) breached.push('p99_ms');
  if (spec.error_rate !== undefined && errorRate > spec.error_rate) breached.push('error_rate');
  const latency = p99 === null ? 'latency not recorded' : `p99 ${p99.toFixed(1)} ms${spec.p99_ms === undefined ? '' : ` (objective ${spec.p99_ms})`}`;
  return {
    check: 'slo',
    status: breached.length > 0 ? 'failed' : 'passed',
    summary: `${latency}, server errors ${(errorRate * 100).toFixed(2)} %${spec.error_rate === undefined ? '' : ` (objective ${(spec.error_rate * 100).toFixed(2)} %)`} of ${requests.length} requests${clientErrors > 0 ? `, ${clientErrors} client errors` : ''}`,
    values: { judged: true, requests: requests.length, p50_ms: p(0.5), p95_ms: p(0.95), p99_ms: p99, timed: latencies.length, error_rate: errorRate, client_error_rate: clientErrors / requests.length, breached },
  };
}

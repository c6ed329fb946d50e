/**
 * `requests`: the serving side's own counters for the candidate version since the analysis
 * target's start: success and error rates, the request count, and latency percentiles by the
 * nearest-rank method (as `sluice gate` measures latency_p50_ms and latency_p99_ms).
 */
import { nearestRank } from '../../../evaluation/index.js';
import type { REQUEST_METRICS } from '../../config/analysis-schema.js';
import { notEnoughData, valueOutcome, type MetricProvider, type ProviderOutcome } from './metric-provider.js';

/** A version's requests since a time: how many, how many failed (a 5xx answer), and each one's latency in ms. */
export interface RequestStats {
  readonly count: number;
  readonly errors: number;
  readonly latenciesMs: Float64Array | readonly number[];
}

/** Implemented by the server's per-version counters. */
export interface RequestStatsSource {
  requestStats(version: string, since: number): RequestStats;
}

type RequestMetric = (typeof REQUEST_METRICS)[number];

const PERCENTILES: Partial<Record<RequestMetric, number>> = { p50_latency: 0.5, p95_latency: 0.95, p99_latency: 0.99 };

/** The named metric of `stats`; without requests in the window, only request_count has a value. */
export function requestMetric(metric: RequestMetric, stats: RequestStats): ProviderOutcome {
  if (metric === 'request_count') return valueOutcome(stats.count);
  if (stats.count === 0) return notEnoughData('no request has reached this version yet');
  if (metric === 'success_rate') return valueOutcome((stats.count - stats.errors) / stats.count, `${stats.count - stats.errors} of ${stats.count} requests succeeded`);
  if (metric === 'error_rate') return valueOutcome(stats.errors / stats.count, `${stats.errors} of ${stats.count} requests failed`);
  if (stats.latenciesMs.length === 0) return notEnoughData('no latency recorded for this version yet');
  const sorted = Array.from(stats.latenciesMs).sort((a, b) => a - b);
  if (metric === 'mean_latency') return valueOutcome(sorted.reduce((sum, value) => sum + value, 0) / sorted.length);
  return valueOutcome(nearestRank(sorted, PERCENTILES[metric]!), `over ${sorted.length} requests`);
}

/** The `requests` provider over the server's per-version counters. */
export function requestsProvider(source: RequestStatsSource): MetricProvider<{ readonly metric: RequestMetric }> {
  return {
    async measure(options, { target }) {
      return requestMetric(options.metric, source.requestStats(target.candidateVersion, target.since));
    },
  };
}

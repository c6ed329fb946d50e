/**
 * PromQL over `sluice serve`'s own metrics (src/serving/metrics.ts) for the `requests` provider's
 * measures, per version of one model, in the units the provider uses (rates as fractions,
 * latencies in milliseconds):
 *  - rates and counts from `sluice_inference_requests_total{model, version, status}`: `version`
 *    is the label the server gives a model it serves from a file, the first 12 hex digits of its
 *    BLAKE3 hash, passed in as the `version` argument;
 *  - latencies from `sluice_inference_request_duration_seconds` of the canary's pods, told apart by
 *    Argo's `rollouts-pod-template-hash` pod label (the histogram has a `version` label too since
 *    `sluice serve --env`, which these queries could use instead; the pod label works for images
 *    of older Sluice versions as well), which
 *    Prometheus' usual `kubernetes-pods` job copies onto every series as
 *    `rollouts_pod_template_hash` (a `labelmap` of `__meta_kubernetes_pod_label_(.+)`).
 */
import type { REQUEST_METRICS } from '../config/analysis-schema.js';
import { formatDuration } from '../config/duration.js';

type RequestMetric = (typeof REQUEST_METRICS)[number];

/** Argument references, as Argo substitutes them into a metric. */
export const ARGS = { model: '{{args.model}}', version: '{{args.version}}', canaryHash: '{{args.canary-hash}}', prometheus: '{{args.prometheus-address}}' } as const;

/** The shortest window a rate is taken over: two scrapes at Prometheus' common 30 s interval. */
export const MIN_RATE_WINDOW_MS = 60_000;

/** The window of a metric's rates: its interval, at least MIN_RATE_WINDOW_MS. */
export function rateWindow(intervalMs: number | undefined): string {
  return formatDuration(Math.max(intervalMs ?? MIN_RATE_WINDOW_MS, MIN_RATE_WINDOW_MS));
}

const QUANTILES: Partial<Record<RequestMetric, number>> = { p50_latency: 0.5, p95_latency: 0.95, p99_latency: 0.99 };

/** The PromQL of `metric` over `window`. */
export function requestsQuery(metric: RequestMetric, window: string): string {
  const requests = `sluice_inference_requests_total{model="${ARGS.model}",version="${ARGS.version}"}`;
  const failed = `sluice_inference_requests_total{model="${ARGS.model}",version="${ARGS.version}",status=~"5.."}`;
  const errorRate = `(sum(rate(${failed}[${window}])) or vector(0)) / (sum(rate(${requests}[${window}])) > 0)`;
  const latency = `{model="${ARGS.model}",rollouts_pod_template_hash="${ARGS.canaryHash}"}`;
  switch (metric) {
    case 'error_rate':
      return errorRate;
    case 'success_rate':
      return `1 - (${errorRate})`;
    case 'request_count':
      return `sum(increase(${requests}[${window}]))`;
    case 'mean_latency':
      return `1000 * sum(rate(sluice_inference_request_duration_seconds_sum${latency}[${window}])) / sum(rate(sluice_inference_request_duration_seconds_count${latency}[${window}])) >= 0`;
    default:
      return `1000 * histogram_quantile(${QUANTILES[metric]}, sum by (le) (rate(sluice_inference_request_duration_seconds_bucket${latency}[${window}]))) >= 0`;
  }
}

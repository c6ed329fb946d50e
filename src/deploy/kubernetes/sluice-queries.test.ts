/**
 * The PromQL written into AnalysisTemplates for `requests` metrics, run on a real Prometheus
 * scraping series shaped as `sluice serve` exposes them (plus the pod-template-hash label the
 * usual kubernetes-pods job adds), with Argo's arguments substituted: each query must parse and
 * give the candidate's own figure, in the requests provider's units.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REQUEST_METRICS } from '../config/analysis-schema.js';
import { prometheusProvider } from '../analysis/providers/prometheus-provider.js';
import { startTestPrometheus, type TestPrometheus } from '../analysis/providers/prometheus-test-support.js';
import { requestsQuery } from './sluice-queries.js';

const ARGUMENTS: Record<string, string> = { model: 'bc-logreg', version: '0123456789ab', 'canary-hash': 'canary7' };

/**
 * Per scrape, the candidate answers 100 requests, 1 of them a 500, each in 5–10 ms (8 ms on
 * average); the stable version fails half of its requests, and its pods are slow, so a query that
 * does not select the candidate gives another figure.
 */
function exposition(scrape: number): string {
  const lines = ['# TYPE sluice_inference_requests_total counter'];
  lines.push(`sluice_inference_requests_total{model="bc-logreg",version="0123456789ab",protocol="v2",status="200"} ${99 * scrape}`);
  lines.push(`sluice_inference_requests_total{model="bc-logreg",version="0123456789ab",protocol="v2",status="500"} ${1 * scrape}`);
  lines.push(`sluice_inference_requests_total{model="bc-logreg",version="stable000000",protocol="v2",status="500"} ${50 * scrape}`);
  lines.push(`sluice_inference_requests_total{model="bc-logreg",version="stable000000",protocol="v2",status="200"} ${50 * scrape}`);
  // A version that never failed, and one that has had no request since the first scrape.
  lines.push(`sluice_inference_requests_total{model="bc-logreg",version="flawless0000",protocol="v2",status="200"} ${10 * scrape}`);
  lines.push('sluice_inference_requests_total{model="bc-logreg",version="idle00000000",protocol="v2",status="200"} 7');
  lines.push('sluice_inference_requests_total{model="bc-logreg",version="idle00000000",protocol="v2",status="500"} 3');
  lines.push('# TYPE sluice_inference_request_duration_seconds histogram');
  for (const [hash, bucket, mean] of [['canary7', '0.01', 0.008], ['stable3', '1', 0.6]] as const) {
    const labels = `model="bc-logreg",protocol="v2",rollouts_pod_template_hash="${hash}"`;
    for (const le of ['0.005', '0.01', '0.5', '1']) lines.push(`sluice_inference_request_duration_seconds_bucket{${labels},le="${le}"} ${Number(le) >= Number(bucket) ? 100 * scrape : 0}`);
    lines.push(`sluice_inference_request_duration_seconds_bucket{${labels},le="+Inf"} ${100 * scrape}`);
    lines.push(`sluice_inference_request_duration_seconds_sum{${labels}} ${mean * 100 * scrape}`);
    lines.push(`sluice_inference_request_duration_seconds_count{${labels}} ${100 * scrape}`);
  }
  // Pods that answered 5 requests before the window and none since.
  const idle = 'model="bc-logreg",protocol="v2",rollouts_pod_template_hash="idle9"';
  for (const le of ['0.005', '0.01', '0.5', '1', '+Inf']) lines.push(`sluice_inference_request_duration_seconds_bucket{${idle},le="${le}"} 5`);
  lines.push(`sluice_inference_request_duration_seconds_sum{${idle}} 0.01`, `sluice_inference_request_duration_seconds_count{${idle}} 5`);
  return `${lines.join('\n')}\n`;
}

function substitute(query: string, overrides: Record<string, string> = {}): string {
  return query.replace(/\{\{args\.([a-z-]+)\}\}/g, (_, name: string) => overrides[name] ?? ARGUMENTS[name]!);
}

const CONTEXT = { target: { environment: 'e', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 0 }, now: 0 };

describe('the requests metrics as PromQL, on Prometheus', () => {
  let prometheus: TestPrometheus;
  const measured: Record<string, unknown> = {};

  before(async () => {
    // rate() needs two samples in its window; three leave a margin.
    prometheus = await startTestPrometheus(exposition, 3);
    for (const metric of REQUEST_METRICS) {
      const outcome = await prometheusProvider().measure({ address: prometheus.address, query: substitute(requestsQuery(metric, '1m')), timeout: 5_000 }, CONTEXT);
      measured[metric] = outcome.kind === 'value' ? outcome.value : outcome;
    }
  });
  after(async () => prometheus?.stop());

  const close = (metric: string, expected: number, tolerance = 1e-9) => {
    const value = measured[metric];
    assert.ok(typeof value === 'number' && Math.abs(value - expected) <= tolerance, `${metric}: ${JSON.stringify(value)}, expected ${expected}`);
  };

  test('error_rate is the candidate\'s share of 5xx answers', () => close('error_rate', 0.01));

  test('success_rate is its complement', () => close('success_rate', 0.99));

  test('request_count counts the candidate\'s requests in the window (extrapolated by increase(), so not a whole number)', () => {
    assert.ok(typeof measured.request_count === 'number' && measured.request_count >= 100, JSON.stringify(measured.request_count));
  });

  test('p50, p95 and p99 latencies are the candidate pods\' histogram quantiles in ms', () => {
    close('p50_latency', 7.5, 1e-6);
    close('p95_latency', 9.75, 1e-6);
    close('p99_latency', 9.95, 1e-6);
  });

  test('mean_latency is the candidate pods\' mean in ms', () => close('mean_latency', 8, 1e-6));

  test('error_rate is 0 for a version that has had no 5xx answer (no such series), not nothing', async () => {
    const query = substitute(requestsQuery('error_rate', '1m'), { version: 'flawless0000' });
    assert.deepEqual(await prometheusProvider().measure({ address: prometheus.address, query, timeout: 5_000 }, CONTEXT), { kind: 'value', value: 0 });
  });

  test('a version without requests in the window gives no series (not NaN), which Sluice reads as not enough data', async () => {
    const query = substitute(requestsQuery('error_rate', '1m'), { version: 'idle00000000' });
    assert.equal((await prometheusProvider().measure({ address: prometheus.address, query, timeout: 5_000 }, CONTEXT)).kind, 'not-enough-data');
  });

  test('latencies of pods without requests in the window give no series (not NaN)', async () => {
    for (const metric of ['p99_latency', 'mean_latency'] as const) {
      const query = substitute(requestsQuery(metric, '1m'), { 'canary-hash': 'idle9' });
      assert.equal((await prometheusProvider().measure({ address: prometheus.address, query, timeout: 5_000 }, CONTEXT)).kind, 'not-enough-data', metric);
    }
  });
});

/**
 * `prometheus`: a PromQL instant query (`GET /api/v1/query`), as Argo Rollouts' Prometheus
 * provider runs it. A scalar or a one-element vector gives a number, a longer vector a list of
 * numbers (conditions then index it: `result[0]`). An empty vector (no series yet, e.g. no
 * request has reached the canary) is not enough data rather than a failure. Prometheus writes
 * `NaN`, `+Inf` and `-Inf` as text; they become the numbers they name.
 */
import { z } from 'zod';
import { providerBadAnswer } from '../errors.js';
import { fetchJson } from './http-json.js';
import { notEnoughData, valueOutcome, type MetricProvider, type ProviderOutcome } from './metric-provider.js';

/** The `prometheus:` block of a metric in sluice.yaml (timeout in ms). */
export interface PrometheusOptions {
  readonly address: string;
  readonly query: string;
  readonly timeout: number;
}

const sample = z.tuple([z.number(), z.string()]);

/** The parts of Prometheus' HTTP API answer read here (prometheus.io/docs/prometheus/latest/querying/api/). */
const answerSchema = z.object({
  status: z.string(),
  error: z.string().optional(),
  data: z
    .discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample })) }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ])
    .optional(),
});

/** The URL of an instant query of `query` on the server at `address`. */
export function prometheusQueryUrl(address: string, query: string): string {
  const url = new URL('api/v1/query', address.endsWith('/') ? address : `${address}/`);
  url.searchParams.set('query', query);
  return url.toString();
}

/** The measurement in a query answer from `url`; throws SLUICE_ANALYSIS_PROVIDER_BAD_ANSWER when there is none. */
export function prometheusResult(url: string, answer: unknown): ProviderOutcome {
  const parsed = answerSchema.safeParse(answer);
  const bad = (problem: string) => providerBadAnswer({ provider: 'prometheus', url, problem });
  if (!parsed.success) throw bad('it is not a Prometheus query answer ({"status": "success", "data": {...}})');
  const { status, error, data } = parsed.data;
  if (status !== 'success' || !data) throw bad(`the query failed: ${error ?? status}`);
  const number = (text: string): number => {
    const value = Number(text.replace(/^\+?Inf$/, 'Infinity'));
    if (Number.isNaN(value) && text !== 'NaN') throw bad(`"${text}" is not a number`);
    return value;
  };
  switch (data.resultType) {
    case 'scalar':
      return valueOutcome(number(data.result[1]));
    case 'vector':
      if (data.result.length === 0) return notEnoughData('the query returned no series yet');
      if (data.result.length === 1) return valueOutcome(number(data.result[0]!.value[1]));
      return valueOutcome(data.result.map((series) => number(series.value[1])), `${data.result.length} series`);
    default:
      throw bad(`it is a ${data.resultType}; write an instant query that gives a scalar or a vector (no range selector like [5m] at the top level)`);
  }
}

/** The `prometheus` provider: an instant query per measurement. */
export function prometheusProvider(): MetricProvider<PrometheusOptions> {
  return {
    async measure(options) {
      const url = prometheusQueryUrl(options.address, options.query);
      return prometheusResult(url, await fetchJson({ provider: 'prometheus', url, timeoutMs: options.timeout }));
    },
  };
}

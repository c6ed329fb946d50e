/**
 * Analysis as Argo Rollouts' AnalysisTemplate defines it, written inline in `sluice.yaml`: a
 * list of metrics, each measured every `interval` by a provider, its `result` judged by
 * `successCondition` / `failureCondition`, the run failing once failures exceed `failureLimit`.
 * Field names and defaults follow Argo so that its users recognise them.
 */
import { z } from 'zod';
import { durationSchema } from './duration.js';

/** What the server's own request counters can answer, per version. */
export const REQUEST_METRICS = ['success_rate', 'error_rate', 'request_count', 'p50_latency', 'p95_latency', 'p99_latency', 'mean_latency'] as const;
/** Distances between the candidate's and the stable version's outputs over the same window. */
export const PREDICTION_DRIFT_METHODS = ['psi', 'jensenshannon', 'ks', 'wasserstein'] as const;

/** `requests`: the server's counters for the version under analysis (latencies in ms). */
const requestsProviderSchema = z.strictObject({
  metric: z.enum(REQUEST_METRICS, { error: `the requests provider measures one of ${REQUEST_METRICS.join(', ')}` }),
});

/**
 * `feedback`: a metric of the evaluation module (accuracy, f1, roc_auc, rmse, …) over the labels
 * posted to `POST /feedback` for this version's answers; inconclusive below `minSamples`.
 * The metric name is checked against the evaluation module's catalogue when the file is loaded.
 */
const feedbackProviderSchema = z.strictObject({
  metric: z.string().min(1),
  minSamples: z.int().positive().default(30),
  /** For classifiers: the output column holding the positive class's score (default the model's own). */
  output: z.string().min(1).optional(),
});

/** `prediction-drift`: the candidate's outputs against the stable version's over the window. */
const predictionDriftProviderSchema = z.strictObject({
  method: z.enum(PREDICTION_DRIFT_METHODS, { error: `prediction-drift measures one of ${PREDICTION_DRIFT_METHODS.join(', ')}` }).default('psi'),
  /** Which output to compare (default the first). */
  output: z.string().min(1).optional(),
  minSamples: z.int().positive().default(100),
});

/** `prometheus`: a PromQL instant query; `result` is its value (a number, or a list for a vector). */
const prometheusProviderSchema = z.strictObject({
  address: z.url({ error: 'address must be the Prometheus server URL, like http://prometheus:9090' }),
  query: z.string().min(1),
  timeout: durationSchema.default(10_000),
});

/** `web`: GET (or POST) a URL and take `result` from the JSON answer at `jsonPath`. */
const webProviderSchema = z.strictObject({
  url: z.url({ error: 'url must be an http(s) URL' }),
  method: z.enum(['GET', 'POST']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** JSONPath into the answer, like `$.data.ok` (default the whole answer). */
  jsonPath: z.string().min(1).default('$'),
  timeout: durationSchema.default(10_000),
}).refine((web) => web.body === undefined || web.method === 'POST', { message: 'a body is sent only with method: POST', path: ['body'] });

const PROVIDERS = ['requests', 'feedback', 'prediction-drift', 'prometheus', 'web'] as const;

/** Exactly one provider per metric. */
export const providerSchema = z
  .strictObject({
    requests: requestsProviderSchema.optional(),
    feedback: feedbackProviderSchema.optional(),
    'prediction-drift': predictionDriftProviderSchema.optional(),
    prometheus: prometheusProviderSchema.optional(),
    web: webProviderSchema.optional(),
  })
  .refine((provider) => Object.values(provider).filter((value) => value !== undefined).length === 1, {
    message: `a provider names exactly one of ${PROVIDERS.join(', ')}`,
  });

export const analysisMetricSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a metric name is letters, digits, _, . and -'),
  /** Time between measurements; without it the metric is measured once (or `count` times back to back). */
  interval: durationSchema.optional(),
  /** Wait before the first measurement. */
  initialDelay: durationSchema.default(0),
  /** Measurements to take; unset with an interval means "until the rollout moves on". */
  count: z.int().positive().optional(),
  /** A jexl expression over `result`; true means this measurement succeeded. */
  successCondition: z.string().min(1).optional(),
  /** A jexl expression over `result`; true means this measurement failed. */
  failureCondition: z.string().min(1).optional(),
  /** Failed measurements tolerated; one more fails the analysis (Argo's default 0). */
  failureLimit: z.int().nonnegative().default(0),
  /** Inconclusive measurements tolerated; one more makes the analysis inconclusive (pauses a canary). */
  inconclusiveLimit: z.int().nonnegative().default(0),
  /** Provider errors in a row tolerated; one more fails the analysis (Argo's default 4). */
  consecutiveErrorLimit: z.int().nonnegative().default(4),
  provider: providerSchema,
});

export const analysisSchema = z.strictObject({
  metrics: z.array(analysisMetricSchema).min(1, 'an analysis needs at least one metric'),
});

/** Canary background analysis: the same, starting at a step. */
export const backgroundAnalysisSchema = analysisSchema.extend({
  /** The step index (0-based) from which the analysis runs in the background (default 0). */
  startingStep: z.int().nonnegative().default(0),
});

export type AnalysisMetricSpec = z.output<typeof analysisMetricSchema>;
export type AnalysisSpec = z.output<typeof analysisSchema>;
export type BackgroundAnalysisSpec = z.output<typeof backgroundAnalysisSchema>;
export type ProviderSpec = z.output<typeof providerSchema>;
export type ProviderName = (typeof PROVIDERS)[number];

/** The provider a metric names (the schema guarantees exactly one). */
export function providerNameOf(provider: ProviderSpec): ProviderName {
  return PROVIDERS.find((name) => provider[name] !== undefined)!;
}

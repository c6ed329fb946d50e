/**
 * Every provider at once, from the data sources the server has: `prometheus` and `web` need
 * none; `requests`, `feedback` and `prediction-drift` are available when their source is given.
 */
import { feedbackProvider, type FeedbackSource } from './feedback-provider.js';
import type { MetricProviders } from './metric-provider.js';
import { predictionDriftProvider, type PredictionSource } from './prediction-drift-provider.js';
import { prometheusProvider } from './prometheus-provider.js';
import { requestsProvider, type RequestStatsSource } from './requests-provider.js';
import { webProvider } from './web-provider.js';

/** The data sources of the server that the built-in providers read; each is optional. */
export interface MetricSources {
  readonly requests?: RequestStatsSource | undefined;
  readonly feedback?: FeedbackSource | undefined;
  readonly predictions?: PredictionSource | undefined;
}

/** Every provider whose source is given, plus prometheus and web. */
export function createMetricProviders(sources: MetricSources = {}): MetricProviders {
  return {
    prometheus: prometheusProvider(),
    web: webProvider(),
    ...(sources.requests ? { requests: requestsProvider(sources.requests) } : {}),
    ...(sources.feedback ? { feedback: feedbackProvider(sources.feedback) } : {}),
    ...(sources.predictions ? { 'prediction-drift': predictionDriftProvider(sources.predictions) } : {}),
  };
}

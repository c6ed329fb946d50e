/** Metric providers of the analysis engine, and the data sources the serving side implements for them. */
export { notEnoughData, valueOutcome, type MeasureContext, type MetricProvider, type MetricProviders, type ProviderOutcome } from './metric-provider.js';
export { requestMetric, requestsProvider, type RequestStats, type RequestStatsSource } from './requests-provider.js';
export { feedbackMetric, feedbackProvider, FEEDBACK_THRESHOLD, type FeedbackOptions, type FeedbackSource, type LabelledAnswers, type LabelledClassifications, type LabelledRegressions } from './feedback-provider.js';
export { predictionDrift, predictionDriftProvider, type PredictionDriftOptions, type PredictionSource } from './prediction-drift-provider.js';
export { prometheusProvider, prometheusQueryUrl, prometheusResult, type PrometheusOptions } from './prometheus-provider.js';
export { valueAtJsonPath, webProvider, type WebOptions } from './web-provider.js';
export { createMetricProviders, type MetricSources } from './create-metric-providers.js';

/**
 * @module deploy/analysis
 * Analysis of a rollout, as Argo Rollouts runs it: metrics measured by providers at intervals,
 * judged by success and failure conditions, a run failing once a metric exceeds its limits.
 */
export { createAnalysisRunner, terminateRun, ERROR_RETRY_INTERVAL_MS, MEASUREMENT_HISTORY_LIMIT, type AnalysisRunner } from './analysis-runner.js';
export type { AnalysisPhase, AnalysisRunState, AnalysisTarget, Measurement, MeasurementPhase, MetricResult } from './analysis-types.js';
export { compileCondition, ConditionSyntaxError, CONDITION_FUNCTIONS, CONDITION_VARIABLES, type Condition } from './condition.js';
export { assessMetric, effectiveCount, isFinal, judgeResult, worsePhase } from './measurement-verdict.js';
export * from './providers/index.js';
export { providerBadAnswer, providerStatus, providerUnreachable, unknownFeedbackLabel, unknownFeedbackMetric } from './errors.js';

/**
 * @module evaluation
 * Scoring models on labelled data: metrics with scikit-learn's definitions, task and label
 * resolution, latency, slices, fairness, robustness; quality gates; the evaluate and gate services.
 */
export { evaluateModel, type EvaluationOutcome, type EvaluationRequest } from './evaluation-service.js';
export { evaluate, prepareEvaluation, scoreTarget, type EvaluateOptions, type EvaluationInputs, type EvaluationResult } from './evaluate.js';
export { resolveTarget, type ClassificationTarget, type EvaluationTarget, type RegressionTarget, type Task } from './task.js';
export { binaryMetrics, multiclassMetrics, type ClassificationMetrics, type PerClassMetrics } from './metrics/classification.js';
export { regressionMetrics } from './metrics/regression.js';
export { averagePrecision, precisionRecallCurve, rocAuc, rocCurve } from './metrics/ranking.js';
export { emptyData, fairnessNeedsBinary, missingTarget, predictionsMismatch, taskMismatch, unknownLabel, unknownPositiveLabel } from './errors.js';
export * from './gates/index.js';
export { gateMetricNames, headlineMetrics, renderMetricDocs, MODEL_METRICS, TASK_METRICS } from './metric-names.js';
export { fairnessReport, FAIRNESS_METRICS, type FairnessReport, type GroupFairness } from './fairness.js';
export { bootstrapIntervals, pairedBootstrap, pairedIntervals, type Interval, type MetricIntervals, type PairedComparison } from './bootstrap.js';
export { binaryCurves, type Curves } from './curves.js';
export type { SliceResult } from './slices.js';
export { nearestRank } from './latency.js';
export { wilsonInterval } from './proportion-interval.js';

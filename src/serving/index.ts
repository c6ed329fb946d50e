/**
 * @module serving
 * The model server: ONNX models over the Open Inference Protocol v2, MLflow's scoring protocol
 * and `/predict`, with micro-batching, hot swap, metrics, a prediction log and graceful shutdown.
 */
export { runServer, type RunServerOptions, type RunningServer } from './run-server.js';
export { serveInCluster } from './cluster.js';
export { accessLog } from './access-log.js';
export { ModelSet, type ModelResolver, type ModelSpec } from './model-set.js';
export { ServedModel, type LoadedModelSource, type ModelLoadOptions, type RowPredictions } from './served-model.js';
export { PredictionLog, type FeedbackRecord, type PredictionRecord } from './prediction-log.js';
export { applyRetention, DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_MB, defaultPredictionLogDir, describeRetention, type LogRetention } from './prediction-log-retention.js';
export { badInferenceRequest, modelLoadFailed, predictionLogUnwritable, servedModelNotFound, servedModelNotReady, serverOverloaded } from './errors.js';
export { classOf, LiveWindow, type JoinProblem, type LiveRecorder, type LiveWindowOptions } from './live-window.js';
export { answerFeedback, joinEnvironmentFeedback, joinFeedback, logFeedback, parseFeedback, type FeedbackEntry, type FeedbackOutcome } from './routes/feedback.js';
export type { ModelRouter, RoutedModels } from './model-router.js';
export { rowCodecFor, type Feature, type RowCodec } from './row-codec.js';

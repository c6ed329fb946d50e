/**
 * @module deploy
 * Getting a registered model into production: packaging (`sluice package`: a Docker build
 * context with Kubernetes or KServe manifests), and environments with progressive delivery
 * (`sluice deploy`, `sluice rollout`): the `deploy:` section of sluice.yaml, the rollout
 * controller (Argo Rollouts' semantics) and the service that persists and applies it.
 */
export * from './package/index.js';
export { findEnvironment, loadEnvironments, parseEnvironments, type DeployConfig } from './config/load-environments.js';
export type { EnvironmentServing, EnvironmentSpec } from './config/environment-schema.js';
export { STRATEGY_KINDS, type CanaryStep, type Strategy, type StrategyKind } from './config/strategy-schema.js';
export type { AnalysisMetricSpec, AnalysisSpec } from './config/analysis-schema.js';
export { durationSchema, formatDuration } from './config/duration.js';
export type { AnalysisPhase, AnalysisRunState, AnalysisTarget, Measurement, MetricResult } from './analysis/analysis-types.js';
export type { AnalysisRunner } from './rollout/analysis-runner.js';
export { analysisSpecFor } from './rollout/analysis-specs.js';
export { beginRollout, reconcile, type RolloutRequest } from './rollout/controller.js';
export { isInProgress, ROLLOUT_PHASES, type PauseReason, type ReconcileInputs, type ReconcileResult, type Rollout, type RolloutEffect, type RolloutPhase } from './rollout/rollout.js';
export { chooseStrategy, createDeployService, type DeployService, type DeployServiceOptions, type EnvironmentStatus, type StartRolloutInput } from './deploy-service.js';
export { openRolloutStore } from './store/open.js';
export type { EnvironmentState, RolloutStore } from './store/rollout-store.js';
export {
  alreadyServing,
  concurrentRolloutUpdate,
  duplicateAnalysisMetric,
  environmentHasNoVersion,
  environmentNotFound,
  invalidCondition,
  noRollout,
  nothingToRollBack,
  rolloutInProgress,
  rolloutNotActive,
  startingStepOutOfRange,
  strategyNotConfigured,
  unknownFeedbackMetric,
  wrongModel,
} from './errors.js';
export * from './analysis/index.js';
export * from './kubernetes/index.js';
export { EnvironmentRuntime, type EnvironmentDescription, type EnvironmentRuntimeOptions } from './environment/environment-runtime.js';
export { routingStateOf, type RoutingState } from './environment/routing-state.js';
export { environmentSnapshotPath, readEnvironmentSnapshot, snapshotWriterRunning, writeEnvironmentSnapshot, type EnvironmentSnapshot } from './environment/environment-snapshot.js';
export { EnvironmentHub, isEnvironmentMessage, RelayRecorder, RELAY_INTERVAL_MS, type EnvironmentMessage } from './environment/environment-ipc.js';

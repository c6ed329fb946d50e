/**
 * @module pipeline
 * `sluice.yaml` loading and validation, the DAG, stage state against `sluice.lock`, the run
 * cache, and the services behind `sluice run`, `status`, `dag`, `params diff`, `metrics` and `plots`.
 */
export { loadPipeline, parsePipeline, type LoadedPipeline } from './load-pipeline.js';
export type { Dependency, Output, OutputKind, ParamDependency, Pipeline, PlotDrawing, Stage } from './stage.js';
export { isStageLabel, STAGE_LABEL_FORMAT, type StageResources } from './schema.js';
export { buildGraph, pathsOverlap, selectStages, type BuildGraphOptions, type PipelineGraph } from './dag.js';
export { dagEdges, renderDag, type DagFormat } from './dag-render.js';
export {
  emptyLockfile,
  lockedPathSchema,
  lockfileSchema,
  parseLockfile,
  readLockfile,
  serializeLockfile,
  writeLockfile,
  type LockedPath,
  type LockedStage,
  type Lockfile,
} from './lockfile.js';
export { describeChange, diffStage, formatValue, type StageChange, type StageSnapshot } from './stage-state.js';
export { computeRunCacheKey, isRunCacheable, type RunCacheStore } from './run-cache.js';
export type { DelegatedStageRequest, DelegatedStageResult, StageDelegate } from './stage-delegate.js';
export { runWorkerStage, type WorkerStageOptions } from './run-worker-stage.js';
export { STATUS_LABELS, type StageOutcome, type StageStatus } from './outcome.js';
export { scheduleStages, type ScheduleOptions } from './scheduler.js';
export { killRunningCommands, runCommands, type CommandResult, type CommandRunOptions, type OutputStream } from './command-runner.js';
export type { RunReporter } from './stage-processor.js';
export { PipelineCache } from './pipeline-cache.js';
export { readPipelineGitState, runPipeline, type PipelineRunReport, type RunPipelineOptions } from './run-pipeline.js';
export { SharedCache, runCacheEntryDocument, runCacheEntryPrefix, type SharedCacheOptions } from './shared-cache.js';
export { selectForStageRun, type StageRunSelection } from './stage-run.js';
export type { PipelineRunRecord } from './record-tracking.js';
export { pipelineStatus } from './status.js';
export { isSettled, type StageState, type StageStatusReport } from './status-report.js';
export { checkStatusSnapshot, type CheckSnapshotOptions, type SnapshotCheck } from './status-snapshot/check-snapshot.js';
export { collectMetrics, collectMetricsAtRevision, collectTargetMetrics, diffMetrics, metricKeyMatcher, metricsPaths, selectMetricKeys, type MetricsDiffRow, type MetricsFile } from './metrics.js';
export { collectPlots, collectPlotsDiff, declaredPlots, isRendered, type PlotFile, type PlotImage } from './plots.js';
export { parsePlotTables, plotChart, plotCharts, plotFileType, type PlotChart, type PlotFileType, type PlotSeries, type PlotTable } from './plot-data.js';
export { openRevisionReader, type RevisionReader } from './revision-outputs.js';
export { diffParamValues, paramsFiles, readParamsAt, type ParamsDiffRow, type ParamValues } from './params-diff.js';
export { DEFAULT_PARAMS_FILE, flattenParams, lookupParam, ParamsReader } from './params.js';
export * as pipelineErrors from './errors.js';

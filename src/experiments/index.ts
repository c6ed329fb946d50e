/**
 * @module experiments
 * Experiments and sweeps (`sluice exp run|show|apply`): params overrides and their grid, temp
 * workspaces, one experiment as a tracked pipeline run (its stages here or on the queue), the
 * executor that runs a sweep's experiments, the sweep table and applying an experiment.
 */
export { applyOverrides, describeOverrides, gridOf, MAX_SWEEP_SIZE, parseOverrides, sampleGrid, type OverrideAxis, type ParamOverride } from './overrides.js';
export { createExperimentWorkspace, type ExperimentWorkspace } from './experiment-workspace.js';
export { EXPERIMENT_TAGS, runExperiment, type ExperimentResult, type ExperimentSpec, type OpenedDelegate, type RunExperimentOptions } from './run-experiment.js';
export { createLocalExecutor, type ExperimentExecutor, type ExperimentProgress } from './experiment-executor.js';
export {
  applyExperiment,
  planSweep,
  sweepTable,
  type AppliedExperiment,
  type ExperimentRow,
  type SweepPlanOptions,
  type SweepTable,
  type SweepTableOptions,
} from './experiment-service.js';
export * as experimentErrors from './errors.js';

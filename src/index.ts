/**
 * @module sluice
 * The package's public API: `import { Tracking } from 'sluice'` to track runs from a program.
 * The command line (`sluice`) and the server (`sluice server`) are the other ways in.
 */
export { ActiveRun, Tracking, type OpenOptions, type StartRunOptions } from './sdk/index.js';
export type { Dataset, DatasetInput, Experiment, Metric, Page, Param, Run, RunData, RunInfo, RunStatus, Tag } from './tracking/index.js';
export type { Lineage, ModelSignature, ModelVersion, RegisteredModel } from './registry/index.js';

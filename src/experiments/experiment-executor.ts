/**
 * Where a sweep's experiments run. The seam between planning a sweep and running it: the local
 * executor runs them in this process, N at a time, each in its own temp workspace, recorded here.
 * With `sluice exp run --queue` each experiment's stages go to queue workers (runExperiment's
 * openDelegate: the queue executor, carrying the overrides to the workers' checkouts of the
 * commit), while the experiment itself (its run record, lock and outputs) stays here.
 */
import type { Workspace } from '../workspace/index.js';
import { experimentWorkspaceFailed } from './errors.js';
import { runExperiment, type ExperimentResult, type ExperimentSpec, type RunExperimentOptions } from './run-experiment.js';

/** What an executor is told about each experiment as it goes, for progress displays. */
export interface ExperimentProgress {
  started?(spec: ExperimentSpec): void;
  finished?(result: ExperimentResult): void;
}

/** Runs the experiments of a sweep and resolves with one result per spec, in the specs' order. */
export interface ExperimentExecutor {
  run(base: Workspace, specs: readonly ExperimentSpec[], options: RunExperimentOptions & { readonly progress?: ExperimentProgress }): Promise<ExperimentResult[]>;
}

/** Runs experiments in this process, `jobs` at a time (their stage commands are child processes). */
export function createLocalExecutor(jobs: number): ExperimentExecutor {
  return {
    async run(base, specs, options) {
      const results: ExperimentResult[] = new Array(specs.length);
      let next = 0;
      const worker = async () => {
        while (next < specs.length && !options.signal?.aborted) {
          const index = next++;
          const spec = specs[index]!;
          options.progress?.started?.(spec);
          let result: ExperimentResult;
          try {
            result = await runExperiment(base, spec, options);
          } catch (error) {
            // No temp workspace can be made (no git, no commit): the same for every experiment.
            if (experimentWorkspaceFailed.is(error)) throw error;
            result = { spec, runId: undefined, status: 'failed', message: error instanceof Error ? error.message : String(error) };
          }
          results[index] = result;
          options.progress?.finished?.(result);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, specs.length)) }, worker));
      return specs.map((spec, index) => results[index] ?? { spec, runId: undefined, status: 'interrupted' as const });
    },
  };
}

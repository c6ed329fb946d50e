/**
 * One experiment: the pipeline run in its own temp workspace with its params overrides, recorded
 * as a tracked run of kind `experiment` (tags naming its sweep and overrides, params and metrics
 * as any pipeline run has), its sluice.lock kept in the object cache so `sluice exp apply` can
 * bring its outputs back. The unit of work an {@link ExperimentExecutor} runs, locally or on a
 * queue worker.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hashFileSync } from '../core/index.js';
import { runPipeline, type PipelineRunReport, type RunReporter, type SharedCacheOptions, type StageDelegate } from '../pipeline/index.js';
import { openWorkspace, openWorkspaceCache, type Workspace } from '../workspace/index.js';
import { createExperimentWorkspace } from './experiment-workspace.js';
import { applyOverrides, describeOverrides, type ParamOverride } from './overrides.js';

/** Tags of experiment runs. */
export const EXPERIMENT_TAGS = {
  /** The sweep an experiment belongs to (its `--name` prefix). */
  sweep: 'sluice.exp.sweep',
  /** The overrides, as JSON (`ParamOverride[]`). */
  overrides: 'sluice.exp.overrides',
  /** The overrides, readable (`train.C=0.1, train.max_iter=100`). */
  summary: 'sluice.exp.summary',
  /** The object id of the experiment's sluice.lock in the cache. */
  lock: 'sluice.exp.lock',
} as const;

/** What to run: plain JSON, so a queue can carry it to a worker. */
export interface ExperimentSpec {
  readonly sweep: string;
  /** The run name, `<sweep>-<n>`. */
  readonly name: string;
  readonly overrides: readonly ParamOverride[];
}

/** How an experiment ended. */
export interface ExperimentResult {
  readonly spec: ExperimentSpec;
  /** The tracked run (undefined when the temp workspace could not be made). */
  readonly runId: string | undefined;
  readonly status: PipelineRunReport['status'];
  /** One sentence when it failed. */
  readonly message?: string | undefined;
}

/** What an experiment runs with besides its spec. */
export interface RunExperimentOptions {
  /** Sets a tag on the finished run (the lock's object id). */
  readonly setTag: (runId: string, key: string, value: string) => Promise<void>;
  readonly reporter?: RunReporter;
  readonly signal?: AbortSignal;
  /** A directory with the `sluice` executable, for `uses:` stages. */
  readonly toolDir?: string;
  /** The shared cache, when experiments pull from and push to one. */
  readonly sharedCache?: SharedCacheOptions;
  /**
   * Where the experiment's stages run, when not here: opened for the experiment's temp workspace
   * and its overrides (the queue: workers apply the overrides to their checkout of the commit),
   * closed when the experiment ends.
   */
  readonly openDelegate?: (root: string, overrides: readonly ParamOverride[]) => Promise<OpenedDelegate>;
}

/** A stage delegate for one experiment, and how to release it. */
export interface OpenedDelegate {
  readonly delegate: StageDelegate;
  /** How many stages are out at once. */
  readonly jobs: number;
  close(): Promise<void>;
}

/** Runs one experiment of `base` in a temp workspace and removes the workspace afterwards. */
export async function runExperiment(base: Workspace, spec: ExperimentSpec, options: RunExperimentOptions): Promise<ExperimentResult> {
  const temp = await createExperimentWorkspace(base);
  let opened: OpenedDelegate | undefined;
  try {
    applyOverrides(temp.root, spec.overrides);
    const workspace = openWorkspace(temp.root);
    opened = await options.openDelegate?.(temp.root, spec.overrides);
    const report = await runPipeline(workspace, {
      command: `sluice exp run (${spec.name}: ${describeOverrides(spec.overrides)})`,
      record: {
        kind: 'experiment',
        name: spec.name,
        tags: {
          [EXPERIMENT_TAGS.sweep]: spec.sweep,
          [EXPERIMENT_TAGS.overrides]: JSON.stringify(spec.overrides),
          [EXPERIMENT_TAGS.summary]: describeOverrides(spec.overrides).slice(0, 5000),
        },
      },
      ...(options.reporter ? { reporter: options.reporter } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.toolDir ? { toolDir: options.toolDir } : {}),
      ...(options.sharedCache ? { sharedCache: options.sharedCache } : {}),
      ...(opened ? { delegate: opened.delegate, jobs: opened.jobs } : {}),
    });
    const lockPath = join(temp.root, 'sluice.lock');
    if (report.runId && existsSync(lockPath)) {
      const id = `blake3:${hashFileSync(lockPath)}`;
      openWorkspaceCache(workspace).addFile(lockPath, id, { shared: false });
      await options.setTag(report.runId, EXPERIMENT_TAGS.lock, id);
    }
    const failed = report.outcomes.filter((outcome) => outcome.status === 'failed');
    const message = failed.length > 0 ? failed.map((outcome) => `${outcome.stage}: ${outcome.message ?? 'failed'}`).join('; ') : undefined;
    return { spec, runId: report.runId, status: report.status, message };
  } finally {
    await opened?.close();
    await temp.dispose();
  }
}

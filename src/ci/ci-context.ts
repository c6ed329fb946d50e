/**
 * What every step of `sluice ci` works with: the workspace's services (opened once by the caller),
 * the loaded pipeline, the production reference from the gates section, and the options. Also
 * the one way a step runs the pipeline, so each run shares the caller's store connection.
 */
import { dirname } from 'node:path';
import { loadPipeline, runPipeline, type Pipeline, type PipelineRunReport, type RunReporter, type SharedCacheOptions, type Stage } from '../pipeline/index.js';
import type { Actor } from '../registry/index.js';
import type { WorkspaceServices } from '../workspace/index.js';
import type { GatesFacts } from './gates-facts.js';

/** What the caller asks of `sluice ci`. */
export interface CiOptions {
  /** A git revision to diff params and metrics against. */
  readonly base?: string | undefined;
  /** An environment of the `deploy:` section to roll the registered version out to. */
  readonly deploy?: string | undefined;
  /** The alias the registered candidate gets (default `challenger`). */
  readonly alias?: string | undefined;
  /** The registered model's name (default: from the gates baseline reference). */
  readonly model?: string | undefined;
  /** The gate set that decides, when the gates section has several. */
  readonly gate?: string | undefined;
  /** Why this run happened (SLUICE_CI_TRIGGER), recorded with the run. */
  readonly trigger?: 'commit' | 'data' | 'schedule' | 'manual' | undefined;
  /** Who registers and deploys (the audit log names them). */
  readonly actor: Actor;
  /** Live output of the stages the steps run. */
  readonly reporter?: RunReporter | undefined;
  /** The directory of the `sluice` executable, for `uses:` stages (default: this process's). */
  readonly toolDir?: string | undefined;
  /** How long `--deploy` follows a rollout that is still progressing (default 60 s). */
  readonly deployWaitMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The team server's URL (SLUICE_SERVER_URL), for links in the report. */
  readonly serverUrl?: string | undefined;
  /** The shared cache: stages computed on another machine are pulled rather than run (and, with push, published). */
  readonly sharedCache?: SharedCacheOptions | undefined;
}

export interface CiContext {
  readonly services: WorkspaceServices;
  readonly root: string;
  readonly pipeline: Pipeline;
  readonly gates: GatesFacts;
  readonly options: CiOptions;
  /** Runs the pipeline (or `targets` with what they need) on the caller's connection. */
  run(targets: readonly string[], command: string): Promise<PipelineRunReport>;
}

export function createCiContext(services: WorkspaceServices, gates: GatesFacts, options: CiOptions): CiContext {
  const root = services.workspace.root;
  return {
    services,
    root,
    pipeline: loadPipeline(root),
    gates,
    options,
    run: (targets, command) =>
      runPipeline(services.workspace, {
        targets,
        services,
        reporter: options.reporter,
        signal: options.signal,
        command,
        toolDir: options.toolDir ?? (process.argv[1] ? dirname(process.argv[1]) : undefined),
        ...(options.sharedCache ? { sharedCache: options.sharedCache } : {}),
      }),
  };
}

/** The stages running a built-in step of this kind (`uses: validate`, `uses: gate`). */
export function stagesUsing(pipeline: Pipeline, kind: string): Stage[] {
  return pipeline.stages.filter((stage) => stage.uses?.kind === kind);
}

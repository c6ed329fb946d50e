/**
 * The seam through which a stage's commands run somewhere else (a queue worker) while the
 * submitting `sluice run` keeps every decision it makes locally: unchanged, restored from the
 * cache or the run cache, and, after the delegate answers, the lock entry, the restored outs and
 * the record of the run. The delegate only replaces "run the command and store its outs".
 */
import type { LockedPath } from './lockfile.js';
import type { Stage } from './stage.js';

/** A stage to run elsewhere, with what the submitting checkout knows of its inputs. */
export interface DelegatedStageRequest {
  readonly stage: Stage;
  /** The pipeline run it belongs to. */
  readonly runId: string | undefined;
  /** Each dep's content id as hashed here: root-relative path → `blake3:…` (`.dir` for directories). */
  readonly deps: Readonly<Record<string, string>>;
  /** The run-cache key computed here; the runner must compute the same one from its checkout. */
  readonly runCacheKey: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** How a delegated stage ended. */
export interface DelegatedStageResult {
  /** `restored-run-cache`: the runner found the same inputs already ran (say, before a retry) and ran nothing. */
  readonly status: 'ran' | 'restored-run-cache' | 'failed' | 'interrupted';
  /** The outs it produced, all in the shared cache (for `ran` and `restored-run-cache`). */
  readonly outs?: readonly LockedPath[] | undefined;
  readonly exitCode?: number | undefined;
  /** For failures: what went wrong, in one sentence. */
  readonly message?: string | undefined;
  readonly tail?: readonly string[] | undefined;
  /** Who ran it (a worker's name). */
  readonly where?: string | undefined;
}

/** Runs a stage's commands somewhere else and answers with its outs in the shared cache. */
export interface StageDelegate {
  run(request: DelegatedStageRequest): Promise<DelegatedStageResult>;
}

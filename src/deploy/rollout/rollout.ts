/**
 * A rollout: one candidate version on its way into one environment, with Argo Rollouts' phases.
 * Plain readonly data (persisted as one row), changed only by the controller.
 */
import type { AnalysisPhase, AnalysisRunState } from '../analysis/analysis-types.js';
import type { Strategy } from '../config/strategy-schema.js';

/**
 * Argo's phases, plus two final ones Argo folds into Degraded: `Aborted` (a person aborted it, or
 * a forced deploy replaced it) and `RolledBack` (switched back to the previous stable version).
 */
export type RolloutPhase = 'Progressing' | 'Paused' | 'Healthy' | 'Degraded' | 'Aborted' | 'RolledBack';

export const ROLLOUT_PHASES: readonly RolloutPhase[] = ['Progressing', 'Paused', 'Healthy', 'Degraded', 'Aborted', 'RolledBack'];

/** Whether the rollout is still moving (a second deploy must wait or force). */
export function isInProgress(phase: RolloutPhase): boolean {
  return phase === 'Progressing' || phase === 'Paused';
}

/** Why a rollout is paused. */
export type PauseReason = 'step' | 'inconclusive' | 'awaiting-promotion';

export interface Rollout {
  readonly id: string;
  readonly environment: string;
  readonly model: string;
  /** The registry alias the environment serves, moved on promotion and rollback. */
  readonly alias: string;
  /** The version serving before the rollout (undefined on an environment's first deploy). */
  readonly stableVersion: number | undefined;
  readonly candidateVersion: number;
  /** The strategy as it was when the rollout started (later edits of sluice.yaml do not change it). */
  readonly strategy: Strategy;
  readonly phase: RolloutPhase;
  /** Canary: the next step to run (steps.length once done). Blue/green: 0 preview, 1 promoted. */
  readonly stepIndex: number;
  /** When the current step (or blue/green preview, or experiment) began. */
  readonly stepStartedAt: number;
  /** Share of traffic (percent) answered by the candidate. */
  readonly weight: number;
  /** A timed pause ends then (epoch ms). */
  readonly pauseUntil: number | undefined;
  /** Paused until `sluice rollout promote`. */
  readonly pausedIndefinitely: boolean;
  readonly pauseReason: PauseReason | undefined;
  /** Blue/green: when the active service switched to the candidate. */
  readonly promotedAt: number | undefined;
  readonly analysisRuns: readonly AnalysisRunState[];
  /** What happened last, in words. */
  readonly message: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | undefined;
  /** Optimistic concurrency: bumped on every write. */
  readonly revision: number;
}

/** What a person (or the clock) asks of a rollout in one reconciliation. */
export interface ReconcileInputs {
  readonly now: number;
  /** Verdicts of analysis runs by run name; a run not named here keeps its persisted phase. */
  readonly analysis?: Readonly<Record<string, AnalysisPhase>> | undefined;
  /** `sluice rollout promote`: skip the current pause, analysis wait or inconclusive hold. */
  readonly promote?: boolean | undefined;
  /** `sluice rollout promote --full`: skip every remaining step and analysis. */
  readonly fullPromote?: boolean | undefined;
  readonly abort?: boolean | undefined;
  /** `sluice rollout rollback`: back to the previous stable version (in progress or completed). */
  readonly rollback?: boolean | undefined;
  /** Why an abort happens, when not a person's `abort` (a forced deploy). */
  readonly reason?: string | undefined;
}

/** What the controller asks the world to do; the deploy service carries these out. */
export type RolloutEffect =
  /** Route `weight` percent of the traffic to the candidate (the rest to stable). */
  | { readonly kind: 'setWeight'; readonly weight: number }
  /** Load a version beside the serving one (a canary, a preview, a shadow). */
  | { readonly kind: 'loadVersion'; readonly version: number }
  /** Point the environment's registry alias at `version`. */
  | { readonly kind: 'moveAlias'; readonly version: number }
  /** Unload `version` at `at` (epoch ms; blue/green keeps the old version for scaleDownDelaySeconds). */
  | { readonly kind: 'releaseVersion'; readonly version: number; readonly at: number }
  /** Start the analysis run `name` (already added to the rollout as Pending). */
  | { readonly kind: 'startAnalysis'; readonly name: string }
  /** Stop measuring the run `name` (the rollout moved on). */
  | { readonly kind: 'stopAnalysis'; readonly name: string }
  /** Something a person must know: an analysis failed, the rollout went back. */
  | { readonly kind: 'alert'; readonly message: string }
  /** A step or phase change, for the audit log. */
  | { readonly kind: 'transition'; readonly action: string; readonly message: string };

export interface ReconcileResult {
  readonly rollout: Rollout;
  readonly effects: readonly RolloutEffect[];
}

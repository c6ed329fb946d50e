/**
 * The rollout controller: a pure state machine with Argo Rollouts' semantics. Given a rollout,
 * its strategy and what happened (the time, analysis verdicts, a person's promote, abort or
 * rollback), it returns the next rollout and the effects to carry out (weights, alias moves,
 * versions to load and release, analysis runs to start and stop, alerts, audit transitions).
 * No I/O and no clock: the deploy service persists and applies; tests pass explicit times.
 *
 * Order of precedence, as in Argo: rollback, abort, a failed analysis (abort with an alert),
 * full promotion, then the strategy's own progress.
 */
import type { Strategy } from '../config/strategy-schema.js';
import { BLUE_GREEN_PROMOTED, reconcileBlueGreen } from './blue-green.js';
import { reconcileCanary } from './canary.js';
import { reconcileExperiment } from './experiment.js';
import { Reconciliation } from './reconciliation.js';
import { isInProgress, type ReconcileInputs, type ReconcileResult, type Rollout, type RolloutEffect } from './rollout.js';

/** What a new rollout is made of. */
export interface RolloutRequest {
  readonly id: string;
  readonly environment: string;
  readonly model: string;
  readonly alias: string;
  /** undefined on an environment's first deploy, which switches at once whatever the strategy (as Argo's initial deploy does). */
  readonly stableVersion: number | undefined;
  readonly candidateVersion: number;
  readonly strategy: Strategy;
  readonly now: number;
}

/** A new rollout, reconciled once: a direct switch (or a first deploy) is complete at once. */
export function beginRollout(request: RolloutRequest): ReconcileResult {
  const first = request.stableVersion === undefined;
  const strategy: Strategy = first ? { kind: 'direct' } : request.strategy;
  const message = first
    ? `first deploy of ${request.model} to ${request.environment}: version ${request.candidateVersion} serves at once`
    : `rolling out version ${request.candidateVersion} over ${request.stableVersion} (${strategy.kind})`;
  const rollout: Rollout = {
    id: request.id,
    environment: request.environment,
    model: request.model,
    alias: request.alias,
    stableVersion: request.stableVersion,
    candidateVersion: request.candidateVersion,
    strategy,
    phase: 'Progressing',
    stepIndex: 0,
    stepStartedAt: request.now,
    weight: 0,
    pauseUntil: undefined,
    pausedIndefinitely: false,
    pauseReason: undefined,
    promotedAt: undefined,
    analysisRuns: [],
    message,
    createdAt: request.now,
    updatedAt: request.now,
    finishedAt: undefined,
    revision: 0,
  };
  const started: RolloutEffect[] = [
    { kind: 'loadVersion', version: request.candidateVersion },
    { kind: 'transition', action: 'rollout.started', message },
  ];
  const next = reconcile(rollout, strategy, { now: request.now });
  return { rollout: next.rollout, effects: [...started, ...next.effects] };
}

/** Whether the candidate already holds the alias (blue/green after its switch). */
function aliasMoved(rollout: Rollout): boolean {
  return rollout.strategy.kind === 'bluegreen' && rollout.stepIndex === BLUE_GREEN_PROMOTED;
}

/** Rollback: from a completed rollout back to the version it replaced, or out of one in progress. */
function rollBack(r: Reconciliation): void {
  const state = r.rollout;
  if (state.stableVersion === undefined) return;
  const message = `rolled back: version ${state.stableVersion} serves again instead of ${state.candidateVersion}`;
  if (state.phase === 'Healthy') {
    r.effects.push({ kind: 'loadVersion', version: state.stableVersion });
    r.revert('RolledBack', message, { aliasMoved: true, alert: false });
  } else if (isInProgress(state.phase)) {
    r.revert('RolledBack', message, { aliasMoved: aliasMoved(state), alert: false });
  }
}

/** One reconciliation: the next rollout and the effects that get the world there. */
export function reconcile(rollout: Rollout, strategy: Strategy, inputs: ReconcileInputs): ReconcileResult {
  const r = new Reconciliation(rollout, inputs);
  if (inputs.rollback) {
    rollBack(r);
    return r.result();
  }
  if (!isInProgress(rollout.phase)) return r.result();
  const moved = aliasMoved(rollout);
  if (inputs.abort) {
    const stable = rollout.stableVersion === undefined ? '' : `; stable version ${rollout.stableVersion} serves`;
    r.revert('Aborted', `${inputs.reason ?? 'aborted by a person'}${stable}`, { aliasMoved: moved, alert: false });
    return r.result();
  }
  const failed = r.failedRun();
  if (failed) {
    r.degrade(failed, moved);
    return r.result();
  }
  if (inputs.fullPromote) {
    r.complete(`fully promoted by a person: version ${rollout.candidateVersion} is stable`, { aliasMoved: moved });
    return r.result();
  }
  switch (strategy.kind) {
    case 'direct':
      r.complete(`switched to version ${rollout.candidateVersion} at once`);
      break;
    case 'canary':
      reconcileCanary(r, strategy);
      break;
    case 'bluegreen':
      reconcileBlueGreen(r, strategy);
      break;
    case 'shadow':
    case 'ab':
      reconcileExperiment(r, strategy);
      break;
  }
  return r.result();
}

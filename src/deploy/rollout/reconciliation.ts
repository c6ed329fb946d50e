/**
 * One reconciliation in progress: a working copy of the rollout and the effects decided so far.
 * The strategies (canary, blue/green, experiments) describe what to do in Argo's words
 * (setWeight, pause, abort, promote) through it; it keeps the bookkeeping that every strategy
 * shares (effects only when something changes, analysis runs, final phases) in one place.
 */
import type { AnalysisPhase, AnalysisRunState } from '../analysis/analysis-types.js';
import type { PauseReason, ReconcileInputs, Rollout, RolloutEffect, RolloutPhase } from './rollout.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ACTIVE: readonly AnalysisPhase[] = ['Pending', 'Running'];

export class Reconciliation {
  readonly rollout: Mutable<Rollout>;
  readonly effects: RolloutEffect[] = [];
  readonly now: number;
  /** A single `promote` is used by the first wait it releases. */
  private promoteLeft: boolean;

  constructor(
    rollout: Rollout,
    readonly inputs: ReconcileInputs,
  ) {
    this.now = inputs.now;
    this.promoteLeft = inputs.promote === true;
    const verdicts = inputs.analysis ?? {};
    const runs = rollout.analysisRuns.map((run) => {
      const verdict = verdicts[run.name];
      if (verdict === undefined || verdict === run.phase || !ACTIVE.includes(run.phase)) return run;
      return { ...run, phase: verdict, ...(ACTIVE.includes(verdict) ? {} : { finishedAt: this.now }) };
    });
    this.rollout = { ...rollout, analysisRuns: runs };
  }

  /** Takes the pending `promote` request, if any. */
  takePromote(): boolean {
    const taken = this.promoteLeft;
    this.promoteLeft = false;
    return taken;
  }

  setWeight(weight: number): void {
    if (this.rollout.weight === weight) return;
    this.rollout.weight = weight;
    this.effects.push({ kind: 'setWeight', weight });
  }

  transition(action: string, message: string): void {
    this.rollout.message = message;
    this.effects.push({ kind: 'transition', action, message });
  }

  setPhase(phase: RolloutPhase, action: string, message: string): void {
    const changed = this.rollout.phase !== phase;
    this.rollout.phase = phase;
    if (changed) this.transition(action, message);
    else this.rollout.message = message;
  }

  pause(reason: PauseReason, message: string, until?: number): void {
    this.rollout.pauseReason = reason;
    this.rollout.pauseUntil = until;
    this.rollout.pausedIndefinitely = until === undefined;
    this.setPhase('Paused', `rollout.paused`, message);
  }

  resume(message: string): void {
    this.rollout.pauseReason = undefined;
    this.rollout.pauseUntil = undefined;
    this.rollout.pausedIndefinitely = false;
    this.setPhase('Progressing', 'rollout.resumed', message);
  }

  run(name: string): AnalysisRunState | undefined {
    return this.rollout.analysisRuns.find((run) => run.name === name);
  }

  /** The run's phase, or undefined when it was never started. */
  verdict(name: string): AnalysisPhase | undefined {
    return this.run(name)?.phase;
  }

  /** Adds the run as Pending (replacing an earlier run of the name) and asks for it to start. */
  startAnalysis(name: string): void {
    const pending: AnalysisRunState = { name, phase: 'Pending', startedAt: this.now, metrics: [] };
    this.rollout.analysisRuns = [...this.rollout.analysisRuns.filter((run) => run.name !== name), pending];
    this.effects.push({ kind: 'startAnalysis', name });
  }

  /** Stops the run if it is still measuring; its measurements so far stay for the record. */
  stopAnalysis(name: string): void {
    const run = this.run(name);
    if (!run || !ACTIVE.includes(run.phase) || run.finishedAt !== undefined) return;
    this.rollout.analysisRuns = this.rollout.analysisRuns.map((other) => (other === run ? { ...run, finishedAt: this.now, message: run.message ?? 'stopped: the rollout moved on' } : other));
    this.effects.push({ kind: 'stopAnalysis', name });
  }

  stopAllAnalysis(): void {
    for (const run of this.rollout.analysisRuns) this.stopAnalysis(run.name);
  }

  /** The first run that failed (Failed or Error), if any: Argo aborts on either. */
  failedRun(): AnalysisRunState | undefined {
    return this.rollout.analysisRuns.find((run) => run.phase === 'Failed' || run.phase === 'Error');
  }

  private finish(phase: RolloutPhase, action: string, message: string): void {
    this.stopAllAnalysis();
    this.rollout.pauseReason = undefined;
    this.rollout.pauseUntil = undefined;
    this.rollout.pausedIndefinitely = false;
    this.rollout.finishedAt = this.now;
    this.setPhase(phase, action, message);
  }

  /**
   * Completion: all traffic to the candidate, the alias moved (unless a blue/green switch moved
   * it already), the old stable released (at once, or after blue/green's scale-down delay).
   */
  complete(message: string, options: { releaseStableAt?: number; aliasMoved?: boolean } = {}): void {
    const { candidateVersion, stableVersion } = this.rollout;
    this.setWeight(100);
    if (!options.aliasMoved) this.effects.push({ kind: 'moveAlias', version: candidateVersion });
    if (stableVersion !== undefined) this.effects.push({ kind: 'releaseVersion', version: stableVersion, at: options.releaseStableAt ?? this.now });
    this.finish('Healthy', 'rollout.completed', message);
  }

  /**
   * Back to the stable version: weight 0, the alias on stable (moved back if it had moved), the
   * candidate released. `phase` says why: Degraded (analysis), Aborted (a person), RolledBack.
   */
  revert(phase: Exclude<RolloutPhase, 'Progressing' | 'Paused' | 'Healthy'>, message: string, options: { aliasMoved: boolean; alert: boolean }): void {
    const { candidateVersion, stableVersion } = this.rollout;
    this.setWeight(0);
    if (options.aliasMoved && stableVersion !== undefined) this.effects.push({ kind: 'moveAlias', version: stableVersion });
    this.effects.push({ kind: 'releaseVersion', version: candidateVersion, at: this.now });
    if (options.alert) this.effects.push({ kind: 'alert', message });
    this.finish(phase, `rollout.${phase === 'RolledBack' ? 'rolled_back' : phase.toLowerCase()}`, message);
  }

  /** A failed analysis: Argo's abort, with an alert. `aliasMoved` for a failure after promotion. */
  degrade(run: AnalysisRunState, aliasMoved = false): void {
    const why = run.message ? `: ${run.message}` : '';
    const stable = this.rollout.stableVersion === undefined ? 'no stable version' : `stable version ${this.rollout.stableVersion} keeps serving`;
    this.revert('Degraded', `analysis "${run.name}" ${run.phase === 'Error' ? 'errored' : 'failed'}${why}; candidate version ${this.rollout.candidateVersion} set to weight 0, ${stable}`, {
      aliasMoved,
      alert: true,
    });
  }

  result(): { rollout: Rollout; effects: readonly RolloutEffect[] } {
    if (this.effects.length > 0) this.rollout.updatedAt = this.now;
    return { rollout: this.rollout, effects: this.effects };
  }
}

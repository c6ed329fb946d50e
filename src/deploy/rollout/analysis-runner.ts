/**
 * What the rollout control plane needs from the analysis engine: start a run, and take its next
 * measurements. The engine (`deploy/analysis/analysis-runner.ts`) implements it with the
 * providers; the control plane only reads the verdicts (`AnalysisRunState.phase`).
 */
import type { AnalysisRunState, AnalysisTarget } from '../analysis/analysis-types.js';
import type { AnalysisSpec } from '../config/analysis-schema.js';

export interface AnalysisRunner {
  /** A new run called `name` for `spec`, Pending or Running, its first measurement scheduled from `now`. */
  start(name: string, spec: AnalysisSpec, now: number): AnalysisRunState;
  /**
   * Takes the measurements due by `now` (none if none is due) and returns the run with their
   * verdicts; a final phase (Successful, Failed, Inconclusive, Error) ends the run.
   */
  step(run: AnalysisRunState, spec: AnalysisSpec, target: AnalysisTarget, now: number): Promise<AnalysisRunState>;
}

/**
 * The state of an analysis run and of its measurements, as Argo Rollouts' AnalysisRun status
 * records them. Plain JSON, so a rollout's runs are persisted with it and resume after a restart.
 */

/** A run's phase; Successful, Failed, Inconclusive and Error are final. */
export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One measurement's verdict. */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One measurement of a metric. */
export interface Measurement {
  readonly phase: MeasurementPhase;
  /** The provider's `result` (a number, a list, an object); absent on Error. */
  readonly value?: unknown;
  /** Why it is Inconclusive or an Error, or what it measured, in words. */
  readonly message?: string;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A metric's measurements and counters in a run, as Argo's MetricResult. */
export interface MetricResult {
  readonly name: string;
  readonly phase: AnalysisPhase;
  readonly measurements: readonly Measurement[];
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
  readonly consecutiveError: number;
  /** When the next measurement is due (epoch ms); absent once the metric is final. */
  readonly nextAt?: number;
  /**
   * The latest word on the metric, as Argo's MetricResult.message: why it ended (`failed (1) >
   * failureLimit (0)`), or that it waits for data (`waiting for data: 12 of 50 labelled answers`).
   */
  readonly message?: string;
}

/** One analysis run, as Argo's AnalysisRun status. */
export interface AnalysisRunState {
  /** Where the run belongs, e.g. `background`, `step-3`, `prePromotion`. */
  readonly name: string;
  readonly phase: AnalysisPhase;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly metrics: readonly MetricResult[];
  readonly message?: string;
}

/** What an analysis measures: the candidate against the stable version, in one environment, since a time. */
export interface AnalysisTarget {
  readonly environment: string;
  readonly model: string;
  readonly stableVersion: string;
  readonly candidateVersion: string;
  /** Measurements only count traffic from this time (epoch ms) on: the rollout's or step's start. */
  readonly since: number;
}

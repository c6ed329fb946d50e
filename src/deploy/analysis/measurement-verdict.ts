/**
 * How one measurement and one metric are judged, with Argo Rollouts' semantics
 * (argoproj/argo-rollouts: utils/evaluate/evaluate.go `EvaluateResult`, analysis/analysis.go
 * `assessMetricStatus`, `assessMetricFailureInconclusiveOrError`, utils/analysis/helpers.go
 * `analysisStatusOrder`), re-stated here rather than ported: Sluice's conditions are jexl.
 */
import type { AnalysisMetricSpec } from '../config/analysis-schema.js';
import type { AnalysisPhase, MeasurementPhase, MetricResult } from './analysis-types.js';
import type { Condition } from './condition.js';

/** A metric's compiled conditions. */
export interface MetricConditions {
  readonly success?: Condition | undefined;
  readonly failure?: Condition | undefined;
}

/**
 * A measured `result` against the conditions:
 *  - neither condition: Successful;
 *  - only successCondition: Successful when true, else Failed;
 *  - only failureCondition: Failed when true, else Successful;
 *  - both: Failed when failureCondition holds (even if successCondition does too), Successful
 *    when only successCondition holds, Inconclusive when neither does;
 *  - a condition that cannot be evaluated on this result: Error, saying which and why.
 */
export function judgeResult(result: unknown, conditions: MetricConditions): { phase: MeasurementPhase; message?: string } {
  let succeeded = false;
  let failed = false;
  try {
    if (conditions.success) succeeded = conditions.success.evaluate(result);
  } catch (error) {
    return { phase: 'Error', message: evaluationError('successCondition', conditions.success!, result, error) };
  }
  try {
    if (conditions.failure) failed = conditions.failure.evaluate(result);
  } catch (error) {
    return { phase: 'Error', message: evaluationError('failureCondition', conditions.failure!, result, error) };
  }
  if (!conditions.success && !conditions.failure) return { phase: 'Successful' };
  if (!conditions.failure) failed = !succeeded;
  if (!conditions.success) succeeded = !failed;
  if (failed) return { phase: 'Failed' };
  if (!succeeded) return { phase: 'Inconclusive' };
  return { phase: 'Successful' };
}

function evaluationError(which: string, condition: Condition, result: unknown, error: unknown): string {
  const empty = result === undefined || result === null || (Array.isArray(result) && result.length === 0);
  const why = empty ? 'the provider returned no data' : (error as Error).message;
  return `could not evaluate ${which} "${condition.text}" on ${JSON.stringify(result) ?? 'nothing'}: ${why}`;
}

/**
 * The measurements a metric takes before it is Successful: `count`, or 1 without an interval;
 * undefined (until the run is terminated) for an interval without a count.
 */
export function effectiveCount(metric: AnalysisMetricSpec): number | undefined {
  return metric.count ?? (metric.interval === undefined ? 1 : undefined);
}

/**
 * A metric's phase from its counters. Limits are checked in Argo's order, the later one winning:
 * failed > failureLimit → Failed; inconclusive > inconclusiveLimit → Inconclusive; consecutive
 * errors > consecutiveErrorLimit → Error. Else Successful once `effectiveCount` measurements
 * (Successful, Failed or Inconclusive; errors do not count) are taken, else Running.
 */
export function assessMetric(metric: AnalysisMetricSpec, result: MetricResult): { phase: AnalysisPhase; message?: string } {
  let verdict: { phase: AnalysisPhase; message?: string } | undefined;
  if (result.failed > metric.failureLimit) verdict = { phase: 'Failed', message: `failed (${result.failed}) > failureLimit (${metric.failureLimit})` };
  if (result.inconclusive > metric.inconclusiveLimit) verdict = { phase: 'Inconclusive', message: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${metric.inconclusiveLimit})` };
  if (result.consecutiveError > metric.consecutiveErrorLimit) {
    verdict = { phase: 'Error', message: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${metric.consecutiveErrorLimit})` };
  }
  if (verdict) return verdict;
  const count = effectiveCount(metric);
  const taken = result.successful + result.failed + result.inconclusive;
  if (count !== undefined && taken >= count) return { phase: 'Successful', message: `count (${count}) reached` };
  return { phase: result.measurements.length === 0 && result.phase === 'Pending' ? 'Pending' : 'Running' };
}

/** Best to worst, as Argo orders them. */
const PHASE_ORDER: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

/** The worse of two phases. */
export function worsePhase(left: AnalysisPhase, right: AnalysisPhase): AnalysisPhase {
  return PHASE_ORDER.indexOf(right) > PHASE_ORDER.indexOf(left) ? right : left;
}

/** Successful, Failed, Inconclusive and Error end a metric or a run. */
export function isFinal(phase: AnalysisPhase): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Inconclusive' || phase === 'Error';
}

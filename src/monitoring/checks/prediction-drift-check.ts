/**
 * `prediction_drift`: the distribution of the model's answers in the window against its answers
 * on the reference data, with the distances the rollout's `prediction-drift` analysis uses (PSI
 * over the reference's deciles, Jensen–Shannon, the KS statistic, Wasserstein). The value
 * compared is one number per row: the chosen output class's probability (by default the last
 * class, the positive one of a binary model), or a regressor's value.
 */
import { predictionDrift } from '../../deploy/index.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import type { LoggedRow } from '../log/logged-rows.js';
import { notEnoughData, type CheckResult } from './check-result.js';

/** The number compared per row, or NaN when the row's answer does not have it. */
export function predictionValue(prediction: LoggedRow['prediction'], output: string | undefined, classes: readonly string[] | undefined): number {
  if (prediction === undefined) return Number.NaN;
  if (typeof prediction === 'number') return prediction;
  const name = output ?? classes?.at(-1) ?? Object.keys(prediction).at(-1);
  return name === undefined ? Number.NaN : (prediction[name] ?? Number.NaN);
}

export function predictionDriftCheck(spec: NonNullable<MonitorChecks['prediction_drift']>, reference: Float64Array, rows: readonly LoggedRow[], classes: readonly string[] | undefined, minRows: number): CheckResult {
  const current = Float64Array.from(rows, (row) => predictionValue(row.prediction, spec.output, classes));
  const outcome = predictionDrift(spec.method, reference, current, minRows);
  if (outcome.kind !== 'value') return notEnoughData('prediction_drift', outcome.message);
  const value = Number(outcome.value);
  const drifted = value >= spec.threshold;
  return {
    check: 'prediction_drift',
    status: drifted ? 'failed' : 'passed',
    summary: `${spec.method} ${value.toFixed(4)} between the window's answers and the reference's (threshold ${spec.threshold})`,
    values: { judged: true, method: spec.method, value, drifted, threshold: spec.threshold },
  };
}

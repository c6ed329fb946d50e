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
import { asWindowRows, predictionValue, type WindowRows } from '../log/window-rows.js';
import { notEnoughData, type CheckResult } from './check-result.js';

export { predictionValue };

export function predictionDriftCheck(spec: NonNullable<MonitorChecks['prediction_drift']>, reference: Float64Array, window: WindowRows | readonly LoggedRow[], classes: readonly string[] | undefined, minRows: number): CheckResult {
  const rows = asWindowRows(window);
  const current = new Float64Array(rows.length);
  for (let row = 0; row < rows.length; row++) current[row] = rows.predictionValue(row, spec.output, classes);
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

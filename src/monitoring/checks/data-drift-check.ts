/**
 * `data_drift`: the served inputs of a window against the reference, column by column, with the
 * drift engine `sluice drift` uses (Evidently's method choice, thresholds, correction for the
 * number of columns, and the drifted share that makes dataset drift).
 */
import { detectDriftInTables, type Table } from '../../data/index.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import { notEnoughData, type CheckResult } from './check-result.js';

export function dataDriftCheck(spec: NonNullable<MonitorChecks['data_drift']>, reference: Table, current: Table, minRows: number): CheckResult {
  if (current.rowCount < minRows) return notEnoughData('data_drift', `${current.rowCount} rows in the window, fewer than min_rows ${minRows}`);
  const result = detectDriftInTables(reference, current, {
    method: spec.method,
    threshold: spec.threshold,
    correction: spec.correction,
    driftShare: spec.drift_share,
    columns: spec.columns,
    exclude: spec.exclude,
    // A window keeps each column's method, statistic, p-value and verdict; nothing else is computed.
    detail: 'verdict',
  });
  const drifted = Object.entries(result.columns).filter(([, column]) => column.drifted);
  const columns = Object.fromEntries(
    Object.entries(result.columns).map(([name, column]) => [name, { method: column.method, statistic: column.statistic, p_value: column.p_value, threshold: column.threshold, drifted: column.drifted }]),
  );
  const named = drifted.map(([name, column]) => `${name} (${column.method} ${column.p_value ?? column.statistic})`).join(', ');
  return {
    check: 'data_drift',
    status: result.dataset_drift ? 'failed' : 'passed',
    summary: result.dataset_drift
      ? `dataset drift: ${result.drifted_columns} of ${result.number_of_columns} columns drifted (${named})`
      : `no dataset drift: ${result.drifted_columns} of ${result.number_of_columns} columns drifted${drifted.length > 0 ? ` (${named})` : ''}`,
    values: {
      judged: true,
      dataset_drift: result.dataset_drift,
      drift_share: result.drift_share,
      drifted_columns: result.drifted_columns,
      number_of_columns: result.number_of_columns,
      drifted: drifted.map(([name]) => name),
      columns,
    },
  };
}

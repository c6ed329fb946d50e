/**
 * `data_quality`: how much of a window's input is missing, of the wrong type (text where the
 * model takes numbers) or a category the reference never had, each as a share of the window's
 * cells, checked against the monitor's maxima.
 */
import type { Table } from '../../data/index.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import { notEnoughData, type CheckResult } from './check-result.js';
import type { WindowTable } from './window-table.js';

export function dataQualityCheck(spec: NonNullable<MonitorChecks['data_quality']>, reference: Table, current: WindowTable, minRows: number): CheckResult {
  if (current.rowCount < minRows) return notEnoughData('data_quality', `${current.rowCount} rows in the window, fewer than min_rows ${minRows}`);
  const cells = current.rowCount * current.columns.length;
  let missing = 0;
  let wrongType = 0;
  let unknown = 0;
  let categorical = 0;
  const perColumn: Record<string, { missing_share: number; unknown_categories: readonly string[] }> = {};
  for (const column of current.columns) {
    missing += current.missing[column.name] ?? 0;
    wrongType += current.wrongType[column.name] ?? 0;
    const known = reference.columns.find((candidate) => candidate.name === column.name);
    const unseen = new Set<string>();
    if (column.kind === 'string' && known?.kind === 'string') {
      const categories = new Set(known.values.filter((value) => value !== null));
      categorical += column.values.length;
      for (const value of column.values) {
        if (value !== null && !categories.has(value)) {
          unknown++;
          unseen.add(value);
        }
      }
    }
    perColumn[column.name] = { missing_share: (current.missing[column.name] ?? 0) / current.rowCount, unknown_categories: [...unseen].slice(0, 20) };
  }
  const values = {
    judged: true,
    missing_share: cells === 0 ? 0 : missing / cells,
    out_of_schema_share: cells === 0 ? 0 : wrongType / cells,
    unknown_category_share: categorical === 0 ? 0 : unknown / categorical,
    columns: perColumn,
  };
  const breaches = [
    spec.max_missing_share !== undefined && values.missing_share > spec.max_missing_share ? `missing ${share(values.missing_share)} > ${share(spec.max_missing_share)}` : undefined,
    spec.max_out_of_schema_share !== undefined && values.out_of_schema_share > spec.max_out_of_schema_share ? `wrong type ${share(values.out_of_schema_share)} > ${share(spec.max_out_of_schema_share)}` : undefined,
    spec.max_unknown_category_share !== undefined && values.unknown_category_share > spec.max_unknown_category_share
      ? `unknown categories ${share(values.unknown_category_share)} > ${share(spec.max_unknown_category_share)}`
      : undefined,
  ].filter((breach) => breach !== undefined);
  return {
    check: 'data_quality',
    status: breaches.length > 0 ? 'failed' : 'passed',
    summary: breaches.length > 0 ? `data quality: ${breaches.join('; ')}` : `data quality within bounds: missing ${share(values.missing_share)}, wrong type ${share(values.out_of_schema_share)}, unknown categories ${share(values.unknown_category_share)}`,
    values,
  };
}

function share(value: number): string {
  return `${(100 * value).toFixed(2)} %`;
}

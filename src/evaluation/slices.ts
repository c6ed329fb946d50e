/**
 * Metrics per slice: for each value of a text column, or of a numeric one with few values (a
 * category coded as numbers: sex 1/2, a grade 0–5), else each quartile bin of a numeric one (edges
 * by numpy's linear quantiles, bins right-closed as pandas' `qcut`), with row counts.
 */
import { cellText, type Column } from '../data/index.js';
import { percentile, subsetTarget } from './bootstrap.js';
import type { EvaluationTarget } from './task.js';

export interface SliceResult {
  readonly n: number;
  readonly metrics: Record<string, number>;
}

const QUANTILE_BINS = 4;

/** A numeric column with at most this many values is sliced by value: quartile edges would merge them. */
const MAX_VALUE_SLICES = 10;

/** Row indexes per group of a column. */
export function sliceGroups(column: Column, rowCount: number): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  const add = (key: string, row: number) => (groups.get(key) ?? groups.set(key, []).get(key)!).push(row);
  if (column.kind === 'string') {
    for (let row = 0; row < rowCount; row++) add(cellText(column, row) ?? '(missing)', row);
    return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  // Numeric bins are reported in bin order (Map keeps insertion order), so create them in that order first.
  const present = [...column.values].filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const values = [...new Set(present)];
  if (values.length <= MAX_VALUE_SLICES) {
    for (const value of values) groups.set(String(value), []);
    for (let row = 0; row < rowCount; row++) add(Number.isNaN(column.values[row]!) ? '(missing)' : String(column.values[row]), row);
    return groups;
  }
  const edges = [...new Set(Array.from({ length: QUANTILE_BINS + 1 }, (_, k) => percentile(present, k / QUANTILE_BINS)))];
  const label = (k: number) => `${k === 0 ? '[' : '('}${Number(edges[k]!.toPrecision(6))}, ${Number(edges[k + 1]!.toPrecision(6))}]`;
  for (let k = 0; k < edges.length - 1; k++) groups.set(label(k), []);
  for (let row = 0; row < rowCount; row++) {
    const value = column.values[row]!;
    if (Number.isNaN(value)) {
      add('(missing)', row);
      continue;
    }
    let bin = 0;
    while (bin < edges.length - 2 && value > edges[bin + 1]!) bin++;
    add(edges.length < 2 ? String(value) : label(bin), row);
  }
  return new Map([...groups].filter(([, rows]) => rows.length > 0));
}

export function sliceMetrics(column: Column, target: EvaluationTarget, score: (target: EvaluationTarget) => Record<string, number>): Record<string, SliceResult> {
  const result: Record<string, SliceResult> = {};
  for (const [group, rows] of sliceGroups(column, target.truth.length)) {
    result[group] = { n: rows.length, metrics: score(subsetTarget(target, Int32Array.from(rows))) };
  }
  return result;
}

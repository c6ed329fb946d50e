/**
 * A table's profile, like ydata-profiling's overview or Evidently's data summary, computed in
 * DuckDB in three queries whatever the number of columns: one aggregate for every column's
 * statistics, one for the histograms of the numeric columns, one grouping every column's values
 * for its distinct count and top values.
 */
import { loadTable, type LoadedTable } from '../loaded-table.js';
import type { ColumnProfile, DataProfile, ProfileHistogram, ProfileType, Quantiles } from './column-profile.js';
import { planColumns, type PlannedColumn } from './column-plan.js';
import { histograms, type HistogramRequest } from './histogram-query.js';
import { summarizeColumns, type ColumnSummary } from './summary-query.js';
import { valueCounts, type ValueCounts } from './value-counts-query.js';

/** Numeric columns list their top values when they have at most this many distinct ones. */
export const MAX_DISTINCT_FOR_TOP_VALUES = 50;

/** Loads `path` (CSV, TSV, Parquet, JSON lines) into DuckDB and profiles it. */
export async function profileFile(path: string): Promise<DataProfile> {
  const table = await loadTable(path);
  try {
    return await profileTable(table);
  } finally {
    await table.close();
  }
}

function profileTypeOf(column: PlannedColumn, summary: ColumnSummary): ProfileType {
  if (summary.kind === 'string' && summary.booleanText) return 'boolean';
  return column.loaded.type;
}

function quantilesOf(values: readonly number[] | null): Quantiles | null {
  if (values === null) return null;
  const [p05, p25, p50, p75, p95] = values as [number, number, number, number, number];
  return { p05, p25, p50, p75, p95 };
}

interface Extras {
  readonly histogram: ProfileHistogram;
  readonly values: ValueCounts;
}

function columnProfile(column: PlannedColumn, type: ProfileType, summary: ColumnSummary, rows: number, extras: Extras): ColumnProfile {
  const missing = rows - summary.count;
  // Keys in the order people read them: identity, completeness, statistics, then the long lists.
  const counts = { count: summary.count, missing, missing_share: rows === 0 ? 0 : missing / rows };
  const { distinct, top } = extras.values;
  switch (summary.kind) {
    case 'numeric':
      return {
        name: column.name,
        type: type as 'integer' | 'number',
        ...counts,
        distinct,
        min: summary.min,
        max: summary.max,
        mean: summary.mean,
        std: summary.std,
        quantiles: quantilesOf(summary.quantiles),
        zeros: summary.zeros,
        infinite: summary.infinite,
        histogram: extras.histogram,
        top_values: distinct <= MAX_DISTINCT_FOR_TOP_VALUES ? top : null,
      };
    case 'string':
      if (type === 'boolean') return { name: column.name, type, ...counts, distinct, top_values: top };
      return { name: column.name, type: 'string', ...counts, distinct, length: summary.length, top_values: top };
    case 'boolean':
      return { name: column.name, type: 'boolean', ...counts, distinct, top_values: top };
    case 'temporal':
      return { name: column.name, type: type as 'date' | 'timestamp', ...counts, distinct, min: summary.min, max: summary.max, top_values: top };
  }
}

/** Profiles a table already loaded into DuckDB (the caller closes it). */
export async function profileTable(table: LoadedTable): Promise<DataProfile> {
  const columns = planColumns(table.columns);
  const summaries = await summarizeColumns(table, columns);
  const types = columns.map((column, k) => profileTypeOf(column, summaries[k]!));

  // Infinite values would make every bin infinitely wide: such columns get no histogram.
  const histogramRequests: (HistogramRequest & { readonly index: number })[] = [];
  summaries.forEach((summary, index) => {
    if (summary.kind !== 'numeric' || summary.count === 0) return;
    const [min, max] = [Number(summary.min), Number(summary.max)];
    if (Number.isFinite(min) && Number.isFinite(max)) histogramRequests.push({ column: columns[index]!, min, max, index });
  });
  // One connection runs one query at a time: these two run in turn.
  const histogramList = await histograms(table, histogramRequests);
  const counted = await valueCounts(table, columns.map((column, index) => ({ column, type: types[index]! })));

  const histogramOf = new Map(histogramRequests.map((request, k) => [request.index, histogramList[k]!]));
  return {
    path: table.path,
    number_of_rows: table.rowCount,
    number_of_columns: columns.length,
    columns: columns.map((column, index) =>
      columnProfile(column, types[index]!, summaries[index]!, table.rowCount, {
        histogram: histogramOf.get(index) ?? { edges: [], counts: [] },
        values: counted[index]!,
      }),
    ),
  };
}

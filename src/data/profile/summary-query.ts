/**
 * Every column's basic statistics in one aggregate query, so DuckDB scans the table once for all
 * of them: non-missing counts, and by kind the range, moments and quantiles of numbers, the
 * lengths of text, the range of dates. Distinct values are counted with the top values (see
 * value-counts-query.ts), by the grouping that query does anyway: `count(DISTINCT …)` here would
 * hash every column a second time.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import type { LoadedTable } from '../loaded-table.js';
import type { ExactInteger } from './column-profile.js';
import type { PlannedColumn } from './column-plan.js';
import { countOf, integerOf, isoText, numberOrNull } from './duckdb-values.js';

/** The quantiles a profile reports, in the order of {@link NumericSummary.quantiles}. */
export const QUANTILE_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

interface Counts {
  /** Non-missing values. */
  readonly count: number;
}

/** What the aggregate query tells of an integer or number column. */
export interface NumericSummary extends Counts {
  readonly kind: 'numeric';
  readonly min: ExactInteger | null;
  readonly max: ExactInteger | null;
  readonly mean: number | null;
  /** Null below two values, and with infinite values (pandas gives NaN). */
  readonly std: number | null;
  /** At {@link QUANTILE_LEVELS}; null without values. */
  readonly quantiles: readonly number[] | null;
  readonly zeros: number;
  /** ±Infinity values (only doubles have them). */
  readonly infinite: number;
}

/** What the aggregate query tells of a text column. */
export interface StringSummary extends Counts {
  readonly kind: 'string';
  readonly length: { readonly min: number; readonly max: number; readonly mean: number } | null;
  /** Every value is true or false in some case: the column is reported as boolean. */
  readonly booleanText: boolean;
}

/** A boolean column needs only its count here: its values are counted with the top values. */
export interface BooleanSummary extends Counts {
  readonly kind: 'boolean';
}

/** What the aggregate query tells of a date or timestamp column. */
export interface TemporalSummary extends Counts {
  readonly kind: 'temporal';
  /** ISO 8601 text; null without values. */
  readonly min: string | null;
  readonly max: string | null;
}

/** One column's result of the aggregate query, by the kind of statistics it gets. */
export type ColumnSummary = NumericSummary | StringSummary | BooleanSummary | TemporalSummary;

/** The select list for one column: `[expression, name suffix]` pairs. */
function aggregatesOf(column: PlannedColumn): [string, string][] {
  const v = column.value;
  const common: [string, string][] = [[`count(${v})`, 'count']];
  switch (column.kind) {
    case 'numeric': {
      const integer = column.loaded.type === 'integer';
      return [
        ...common,
        [`min(${v})`, 'min'],
        [`max(${v})`, 'max'],
        // Integers are summed exactly (HUGEINT); doubles with Kahan summation (favg), which is
        // more accurate than a plain sum but turns an infinite value into NaN: avg then.
        [integer ? `avg(${v})` : `CASE WHEN count_if(isinf(${v})) > 0 THEN avg(${v}) ELSE favg(${v}) END`, 'mean'],
        // DuckDB raises "out of range" on an infinite value here: those are left out, and counted.
        [integer ? `stddev_samp(${v})` : `stddev_samp(${v}) FILTER (WHERE isfinite(${v}))`, 'std'],
        [`quantile_cont(${v}, [${QUANTILE_LEVELS.join(', ')}])`, 'quantiles'],
        [`count_if(${v} = 0)`, 'zeros'],
        [integer ? '0' : `count_if(isinf(${v}))`, 'infinite'],
      ];
    }
    case 'string':
      return [
        ...common,
        [`min(length(${v}))`, 'min_length'],
        [`max(length(${v}))`, 'max_length'],
        [`avg(length(${v}))`, 'mean_length'],
        [`bool_and(lower(${v}) IN ('true', 'false'))`, 'boolean_text'],
      ];
    case 'temporal':
      return [...common, [`CAST(min(${v}) AS VARCHAR)`, 'min'], [`CAST(max(${v}) AS VARCHAR)`, 'max']];
    case 'boolean':
      return common;
  }
}

function numericValue(value: unknown, integer: boolean): ExactInteger | null {
  if (value === null || value === undefined) return null;
  return integer ? integerOf(value as bigint | number) : Number(value);
}

function summaryOf(column: PlannedColumn, row: Readonly<Record<string, unknown>>): ColumnSummary {
  const get = (suffix: string): unknown => row[`${column.alias}${suffix}`];
  const counts: Counts = { count: countOf(get('count')) };
  switch (column.kind) {
    case 'numeric': {
      const integer = column.loaded.type === 'integer';
      const quantiles = get('quantiles') as readonly unknown[] | null;
      const infinite = countOf(get('infinite'));
      return {
        kind: 'numeric',
        ...counts,
        min: numericValue(get('min'), integer),
        max: numericValue(get('max'), integer),
        mean: numberOrNull(get('mean')),
        std: infinite > 0 ? null : numberOrNull(get('std')),
        quantiles: quantiles === null ? null : quantiles.map(Number),
        zeros: countOf(get('zeros')),
        infinite,
      };
    }
    case 'string': {
      const minLength = get('min_length');
      return {
        kind: 'string',
        ...counts,
        length: minLength === null ? null : { min: countOf(minLength), max: countOf(get('max_length')), mean: Number(get('mean_length')) },
        booleanText: get('boolean_text') === true,
      };
    }
    case 'temporal': {
      const [min, max] = [get('min'), get('max')];
      return { kind: 'temporal', ...counts, min: min === null ? null : isoText(String(min)), max: max === null ? null : isoText(String(max)) };
    }
    case 'boolean':
      return { kind: 'boolean', ...counts };
  }
}

/**
 * Runs a query on one thread. Sums of doubles (the mean, the variance) depend on the order in
 * which threads' partial results are combined, which changes from run to run: the same file
 * would get a different profile in its last digits each time. One thread costs little here (on
 * 1M rows × 10 columns and two cores, about 50 ms of 0.4 s): the quantiles' sorts run on one
 * thread anyway.
 */
async function runOnOneThread(connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  const threads = Number((await connection.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]![0]);
  await connection.run('SET threads = 1');
  try {
    return await connection.runAndReadAll(sql);
  } finally {
    await connection.run(`SET threads = ${threads}`);
  }
}

/** One summary per column, in the columns' order. */
export async function summarizeColumns(table: LoadedTable, columns: readonly PlannedColumn[]): Promise<ColumnSummary[]> {
  if (columns.length === 0) return [];
  const select = columns.flatMap((column) => aggregatesOf(column).map(([expression, suffix]) => `${expression} AS ${column.alias}${suffix}`));
  const result = await runOnOneThread(table.connection, `SELECT ${select.join(', ')} FROM ${table.sql}`);
  const row = result.getRowObjectsJS()[0]!;
  return columns.map((column) => summaryOf(column, row));
}

/**
 * How each column of a loaded table is read by the profile's queries: which statistics it gets
 * and the SQL expression for its values, so every query treats missing values the same way.
 */
import { quoteIdentifier, type LoadedColumn } from '../loaded-table.js';

/** The family of statistics a column gets (a text column may still turn out boolean). */
export type StatisticsKind = 'numeric' | 'string' | 'boolean' | 'temporal';

/** A loaded column with what the profile's queries need to read it. */
export interface PlannedColumn {
  readonly name: string;
  readonly loaded: LoadedColumn;
  readonly kind: StatisticsKind;
  /**
   * SQL for the column's values. NaN becomes NULL, so it counts as missing as in pandas (DuckDB
   * reads "nan" in a CSV as a number); decimals become doubles; nested JSON values become text.
   */
  readonly value: string;
  /** Prefix of this column's result columns in the summary query (`c3_`). */
  readonly alias: string;
}

function kindOf(column: LoadedColumn): StatisticsKind {
  switch (column.type) {
    case 'integer':
    case 'number':
      return 'numeric';
    case 'date':
    case 'timestamp':
      return 'temporal';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
  }
}

function valueOf(column: LoadedColumn): string {
  const name = quoteIdentifier(column.name);
  if (column.type === 'number') return `nullif(CAST(${name} AS DOUBLE), 'NaN'::DOUBLE)`;
  if (column.type === 'string' && column.sqlType !== 'VARCHAR') return `CAST(${name} AS VARCHAR)`;
  return name;
}

/** The plan of every column, in the table's order. */
export function planColumns(columns: readonly LoadedColumn[]): PlannedColumn[] {
  return columns.map((column, index) => ({ name: column.name, loaded: column, kind: kindOf(column), value: valueOf(column), alias: `c${index}_` }));
}

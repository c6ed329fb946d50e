/**
 * Text cells in columns read as numbers: one bad cell (`abc` among numbers) makes DuckDB read the
 * whole column as text, so evaluation, inference and training find and name it here, the same way.
 */
import type { RaiseOptions } from '../core/index.js';
import { nonNumericValue } from './errors.js';
import { findColumn, type Column, type Table } from './table.js';

/** A cell that does not read as a number; `row` is 0-based. Empty cells are missing, not bad. */
export interface NonNumericCell {
  readonly row: number;
  readonly value: string;
}

function isNumberText(text: string): boolean {
  return Number.isFinite(Number(text));
}

/** The first cell of `column` that is neither empty nor a number. */
export function firstNonNumericCell(column: Column): NonNumericCell | undefined {
  if (column.kind === 'number') return undefined;
  for (let row = 0; row < column.values.length; row++) {
    const text = column.values[row];
    if (text !== null && text !== undefined && text.trim() !== '' && !isNumberText(text)) return { row, value: text };
  }
  return undefined;
}

/**
 * Whether a column holds numbers, allowing stray text cells: a numeric column, or a text column
 * in which more than half of the non-empty cells are numbers (a column of labels is not).
 */
export function mostlyNumeric(column: Column): boolean {
  if (column.kind === 'number') return true;
  let numbers = 0;
  let texts = 0;
  for (const text of column.values) {
    if (text === null || text.trim() === '') continue;
    if (isNumberText(text)) numbers++;
    else texts++;
  }
  return numbers > texts;
}

/**
 * Throws SLUICE_DATA_NON_NUMERIC, naming the row (1-based, data rows) and value, when the column
 * `name` of `table` holds a cell that is not a number. `options.hint` tells the caller's way out.
 */
export function requireNumericColumn(table: Table, name: string, options: RaiseOptions = {}): void {
  const column = findColumn(table, name);
  const bad = column && firstNonNumericCell(column);
  if (bad) throw nonNumericValue({ column: name, row: bad.row + 1, value: bad.value, path: table.source }, options);
}

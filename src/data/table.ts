/**
 * The in-memory form of tabular data that Sluice's evaluation and inference work on: named
 * columns, numbers as Float64Array (NaN is missing), everything else as strings (null is missing).
 */

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'number';
  readonly values: Float64Array;
}

export interface StringColumn {
  readonly name: string;
  readonly kind: 'string';
  readonly values: readonly (string | null)[];
}

export type Column = NumericColumn | StringColumn;

export interface Table {
  /** Where the table came from, for messages. */
  readonly source: string;
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

/** The column named `name`, or undefined. */
export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((column) => column.name === name);
}

/** The value of a cell as text, for messages and string features. */
export function cellText(column: Column, row: number): string | null {
  if (column.kind === 'string') return column.values[row] ?? null;
  const value = column.values[row]!;
  return Number.isNaN(value) ? null : String(value);
}

/** A table with only the rows at `indexes`, in that order. */
export function selectRows(table: Table, indexes: ArrayLike<number>): Table {
  const columns = table.columns.map((column): Column => {
    if (column.kind === 'number') {
      const values = new Float64Array(indexes.length);
      for (let i = 0; i < indexes.length; i++) values[i] = column.values[indexes[i]!]!;
      return { name: column.name, kind: 'number', values };
    }
    return { name: column.name, kind: 'string', values: Array.from({ length: indexes.length }, (_, i) => column.values[indexes[i]!] ?? null) };
  });
  return { source: table.source, rowCount: indexes.length, columns };
}

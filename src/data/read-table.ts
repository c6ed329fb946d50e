/**
 * Reading CSV, TSV, Parquet and JSON into a {@link Table} with DuckDB, the engine for all tabular
 * work in Sluice: correct float parsing (shortest round-trip), type inference, Parquet, and speed.
 */
import { duckdb, readFailure, tableSource } from './duckdb-source.js';
import type { Column, Table } from './table.js';

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Reads a whole file into memory. */
export async function readTable(path: string): Promise<Table> {
  const source = tableSource(path);
  const db = await duckdb();
  try {
    const result = await db.run(`SELECT * FROM ${source}`);
    const names = result.columnNames();
    const types = result.columnTypes().map((type) => type.toString());
    const numeric = types.map((type) => NUMERIC_TYPES.test(type));
    const chunks = await result.fetchAllChunks();
    // rowCount is a native call: read it once per chunk.
    const chunkRows = chunks.map((chunk) => chunk.rowCount);
    const rowCount = chunkRows.reduce((sum, count) => sum + count, 0);
    const columns = names.map((name, index): Column => {
      if (numeric[index]) {
        const values = new Float64Array(rowCount);
        let row = 0;
        chunks.forEach((chunk, c) => {
          const vector = chunk.getColumnVector(index);
          const count = chunkRows[c]!;
          row = copyNumbers(vector, count, values, row);
        });
        return { name, kind: 'number', values };
      }
      const values: (string | null)[] = new Array(rowCount);
      let row = 0;
      chunks.forEach((chunk, c) => {
        const vector = chunk.getColumnVector(index);
        const count = chunkRows[c]!;
        for (let i = 0; i < count; i++) values[row++] = textOf(vector.getItem(i));
      });
      return { name, kind: 'string', values };
    });
    return { source: path, rowCount, columns };
  } catch (error) {
    throw readFailure(path, error);
  }
}

/** The internals of @duckdb/node-api's double vector that allow a bulk copy (see copyNumbers). */
interface DoubleVectorInternals {
  readonly items?: unknown;
  readonly validity?: { readonly data?: unknown };
}

/**
 * Copies a chunk's numbers into `target` at `offset`; returns the next offset. When the vector
 * exposes a Float64Array (DOUBLE columns) and has no missing values, one `set` replaces a call per
 * cell; otherwise, and if the library's internals ever change, the public getItem path is used.
 */
function copyNumbers(vector: { getItem(index: number): unknown }, count: number, target: Float64Array, offset: number): number {
  const internals = vector as unknown as DoubleVectorInternals;
  if (internals.items instanceof Float64Array && internals.items.length === count && internals.validity && internals.validity.data === null) {
    target.set(internals.items, offset);
    return offset + count;
  }
  for (let i = 0; i < count; i++) {
    const value = vector.getItem(i) as number | bigint | { toString(): string } | null;
    target[offset + i] = value === null ? Number.NaN : typeof value === 'number' ? value : Number(typeof value === 'bigint' ? value : value.toString());
  }
  return offset + count;
}

/** Text of a non-numeric cell (dates, booleans and others as DuckDB prints them). */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

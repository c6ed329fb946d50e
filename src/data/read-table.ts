/**
 * Reading CSV, TSV, Parquet and JSON into a {@link Table} with DuckDB, the engine for all tabular
 * work in Sluice: correct float parsing (shortest round-trip), type inference, Parquet, and speed;
 * whole, or streamed in batches.
 */
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { duckdb, readFailure, tableSource } from './duckdb-source.js';
import { releaseUnreferencedChunks } from './native-chunks.js';
import type { Column, Table } from './table.js';

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Reads a whole file into memory. */
export async function readTable(path: string): Promise<Table> {
  const source = tableSource(path);
  const db = await duckdb();
  try {
    const result = await db.run(`SELECT * FROM ${source}`);
    return chunksToTable(path, result.columnNames(), result.columnTypes().map((type) => type.toString()), await result.fetchAllChunks());
  } catch (error) {
    throw readFailure(path, error);
  }
}

/**
 * Reads a file in tables of about `batchRows` rows each (whole DuckDB chunks), streaming: only
 * one batch is in memory at a time, so files larger than memory can be scored. Each batch's
 * chunks are released once converted (see native-chunks.ts).
 */
export async function* streamTable(path: string, batchRows: number): AsyncGenerator<Table> {
  const source = tableSource(path);
  const db = await duckdb();
  let result;
  try {
    result = await db.stream(`SELECT * FROM ${source}`);
  } catch (error) {
    throw readFailure(path, error);
  }
  const names = result.columnNames();
  const types = result.columnTypes().map((type) => type.toString());
  let pending: DuckDBDataChunk[] = [];
  let pendingRows = 0;
  for (;;) {
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await result.fetchChunk();
    } catch (error) {
      throw readFailure(path, error);
    }
    const rows = chunk?.rowCount ?? 0;
    if (chunk && rows > 0) {
      pending.push(chunk);
      pendingRows += rows;
    }
    if (pendingRows > 0 && (pendingRows >= batchRows || rows === 0)) {
      const table = chunksToTable(path, names, types, pending);
      pending = [];
      pendingRows = 0;
      releaseUnreferencedChunks();
      yield table;
    }
    if (rows === 0) return;
  }
}

/** DuckDB chunks as a {@link Table}: numbers as Float64Array (NaN for missing), the rest as text. */
function chunksToTable(path: string, names: readonly string[], types: readonly string[], chunks: readonly DuckDBDataChunk[]): Table {
  const numeric = types.map((type) => NUMERIC_TYPES.test(type));
  // rowCount is a native call: read it once per chunk.
  const chunkRows = chunks.map((chunk) => chunk.rowCount);
  const rowCount = chunkRows.reduce((sum, count) => sum + count, 0);
  const columns = names.map((name, index): Column => {
    if (numeric[index]) {
      const values = new Float64Array(rowCount);
      let row = 0;
      chunks.forEach((chunk, c) => {
        row = copyNumbers(chunk.getColumnVector(index), chunkRows[c]!, values, row);
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

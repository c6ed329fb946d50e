/**
 * Columns built from DuckDB's result chunks, one chunk at a time: numbers as Float64Array (NaN for
 * missing), the rest as text.
 */
import type { DuckDBVector } from '@duckdb/node-api';
import type { Column } from './table.js';

export interface ColumnBuilder {
  /** Appends a chunk's `count` cells. */
  append(vector: DuckDBVector, count: number): void;
  finish(): Column;
}

/** How number columns are held: see {@link readTable}'s `sharedMemory`. */
export type NumberMemory = 'private' | 'shared';

/** The internals of @duckdb/node-api's double vector that allow a bulk copy (see copyNumbers). */
interface DoubleVectorInternals {
  readonly items?: unknown;
  readonly validity?: { readonly data?: unknown };
}

/**
 * Copies a chunk's numbers into `target` at `offset`. When the vector exposes a Float64Array
 * (DOUBLE columns) and has no missing values, one `set` replaces a call per cell; otherwise, and
 * if the library's internals ever change, the public getItem path is used.
 */
function copyNumbers(vector: DuckDBVector, count: number, target: Float64Array, offset: number): void {
  const internals = vector as unknown as DoubleVectorInternals;
  if (internals.items instanceof Float64Array && internals.items.length === count && internals.validity && internals.validity.data === null) {
    target.set(internals.items, offset);
    return;
  }
  for (let i = 0; i < count; i++) {
    const value = vector.getItem(i) as number | bigint | { toString(): string } | null;
    target[offset + i] = value === null ? Number.NaN : typeof value === 'number' ? value : Number(typeof value === 'bigint' ? value : value.toString());
  }
}

/**
 * Numbers of a result whose row count is known: each chunk is copied to its place as it comes (so
 * its native memory can go), into memory written once. Fresh pages cost a fault each on first
 * touch, a large share of the time on some virtual machines.
 */
class PlacedNumbers implements ColumnBuilder {
  private rows = 0;

  constructor(
    private readonly name: string,
    private readonly values: Float64Array,
  ) {}

  append(vector: DuckDBVector, count: number): void {
    copyNumbers(vector, count, this.values, this.rows);
    this.rows += count;
  }

  finish(): Column {
    return { name: this.name, kind: 'number', values: this.rows === this.values.length ? this.values : this.values.subarray(0, this.rows) };
  }
}

/**
 * Numbers of a stream whose row count is not known yet (a batch): the chunks' vectors are kept
 * until it is, then copied once into an array that owns its buffer.
 */
class HeldNumbers implements ColumnBuilder {
  private readonly vectors: DuckDBVector[] = [];
  private readonly counts: number[] = [];
  private rows = 0;

  constructor(private readonly name: string) {}

  append(vector: DuckDBVector, count: number): void {
    this.vectors.push(vector);
    this.counts.push(count);
    this.rows += count;
  }

  finish(): Column {
    const values = new Float64Array(this.rows);
    let row = 0;
    this.vectors.forEach((vector, k) => {
      copyNumbers(vector, this.counts[k]!, values, row);
      row += this.counts[k]!;
    });
    this.vectors.length = 0;
    return { name: this.name, kind: 'number', values };
  }
}

/** Text of a non-numeric cell (dates, booleans and others as DuckDB prints them). */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

class Texts implements ColumnBuilder {
  private readonly values: (string | null)[] = [];

  constructor(private readonly name: string) {}

  append(vector: DuckDBVector, count: number): void {
    for (let i = 0; i < count; i++) this.values.push(textOf(vector.getItem(i)));
  }

  finish(): Column {
    return { name: this.name, kind: 'string', values: this.values };
  }
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * The builder for a column of DuckDB type `type` (as DuckDB prints it). With `rows` known, numbers
 * go straight to an array of that length, over a SharedArrayBuffer when `memory` is `shared`
 * (worker threads can then sort it in place; see drift/sort-in-parallel.ts); without, they are
 * held until the end, in ordinary memory.
 */
export function columnBuilder(name: string, type: string, memory: NumberMemory, rows?: number): ColumnBuilder {
  if (!NUMERIC_TYPES.test(type)) return new Texts(name);
  if (rows === undefined) return new HeldNumbers(name);
  return new PlacedNumbers(name, memory === 'shared' ? new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT)) : new Float64Array(rows));
}

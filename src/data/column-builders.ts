/**
 * Columns built from DuckDB's result chunks as they stream in: numbers as Float64Array (NaN for
 * missing), the rest as text. A chunk is converted as soon as it arrives, so its native memory can
 * go, and the conversion overlaps DuckDB's reading of the next ones.
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

/** The largest growable SharedArrayBuffer V8 allows (4 GiB): 536,870,912 numbers. */
const MAX_SHARED_BYTES = 2 ** 32;

/** The internals of @duckdb/node-api's double vector that allow a bulk copy (see appendNumbers). */
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
 * Numbers in one growable SharedArrayBuffer: the address space is reserved up front and memory
 * committed as rows arrive, so the column is written once, never copied to grow, and a worker
 * thread can sort it where it is (drift detection's main cost; see drift/sort-in-parallel.ts).
 * Each fresh page costs a fault on first touch, a large share of the time on some virtual
 * machines, so writing each number once matters.
 */
class SharedNumbers implements ColumnBuilder {
  private readonly memory = new SharedArrayBuffer(0, { maxByteLength: MAX_SHARED_BYTES });
  private values: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private rows = 0;

  constructor(private readonly name: string) {}

  append(vector: DuckDBVector, count: number): void {
    const needed = (this.rows + count) * Float64Array.BYTES_PER_ELEMENT;
    if (needed > this.memory.byteLength) {
      // Growing commits address space (untouched pages cost nothing), so grow by doubling.
      if (needed > MAX_SHARED_BYTES) throw new RangeError(`column "${this.name}" holds more than ${MAX_SHARED_BYTES / 8} numbers`);
      this.memory.grow(Math.min(MAX_SHARED_BYTES, Math.max(needed, 2 * this.memory.byteLength, 1 << 16)));
      this.values = new Float64Array(this.memory);
    }
    copyNumbers(vector, count, this.values, this.rows);
    this.rows += count;
  }

  finish(): Column {
    return { name: this.name, kind: 'number', values: new Float64Array(this.memory, 0, this.rows) };
  }
}

/**
 * Numbers in an ordinary array that owns its buffer (it may be transferred to another thread):
 * the chunks' vectors are kept until the count is known, then copied once.
 */
class PrivateNumbers implements ColumnBuilder {
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

/** The builder for a column of DuckDB type `type` (as DuckDB prints it). */
export function columnBuilder(name: string, type: string, memory: NumberMemory): ColumnBuilder {
  if (!NUMERIC_TYPES.test(type)) return new Texts(name);
  if (memory === 'private') return new PrivateNumbers(name);
  try {
    return new SharedNumbers(name);
  } catch (error) {
    // Reserving the address space can fail where it is capped (ulimit -v): ordinary memory still works.
    if (error instanceof RangeError) return new PrivateNumbers(name);
    throw error;
  }
}

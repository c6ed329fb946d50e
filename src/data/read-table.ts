/**
 * Reading CSV, TSV, Parquet and JSON into a {@link Table} with DuckDB, the engine for all tabular
 * work in Sluice: correct float parsing (shortest round-trip), type inference, Parquet, and speed;
 * whole, or streamed in batches. Each read has a connection of its own, and its chunks are
 * converted as they are fetched.
 *
 * A streamed DuckDB result ends the same way whether the file was read to its end or a row failed
 * on the way (the bindings report neither the error nor the difference), so a whole read runs its
 * query to completion first, where a failure is an error, and a streamed read counts the file's
 * rows at the end: a row that failed raises its error there, before the last batch is taken as
 * the end of the data.
 */
import { DuckDBMaterializedResult, type DuckDBConnection, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import { columnBuilder, type ColumnBuilder, type NumberMemory } from './column-builders.js';
import { openConnection, readFailure, tableSource } from './duckdb-source.js';
import { unreadableData } from './errors.js';
import { releaseUnreferencedChunks } from './native-chunks.js';
import type { Table } from './table.js';

export interface ReadTableOptions {
  /**
   * Numbers over SharedArrayBuffers, which worker threads can read and sort in place; by default
   * each number column owns an ordinary buffer, which may be transferred. For tables handed to
   * worker threads, like drift detection's.
   */
  readonly sharedMemory?: boolean;
}

/** A query's chunks, one at a time, with failures named after the file. */
class ChunkStream {
  private constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly connection: DuckDBConnection,
    private readonly result: DuckDBResult,
  ) {}

  /** `whole`: the query runs to completion before the first chunk (see the file's comment). */
  static async open(path: string, mode: 'whole' | 'streamed'): Promise<ChunkStream> {
    const source = tableSource(path);
    const connection = await openConnection();
    const sql = `SELECT * FROM ${source}`;
    try {
      return new ChunkStream(path, source, connection, mode === 'whole' ? await connection.run(sql) : await connection.stream(sql));
    } catch (error) {
      connection.closeSync();
      throw readFailure(path, error);
    }
  }

  /**
   * For a streamed read that ended after `rows` rows: counts the file's rows and, when the stream
   * stopped short, reads every column again without keeping them, which raises the error of the
   * row that failed (the stream stopped there without one). A bare count(*) casts no value, so
   * it does not fail on a bad one.
   */
  async checkComplete(rows: number): Promise<void> {
    const count = async (what: string) => Number((await this.connection.runAndReadAll(`SELECT ${what} FROM ${this.source}`)).getRows()[0]![0]);
    let counted: number;
    try {
      counted = await count('count(*)');
      if (counted !== rows) await count('count(COLUMNS(*))');
    } catch (error) {
      throw readFailure(this.path, error);
    }
    if (counted !== rows) throw unreadableData({ path: this.path, reason: `the read stopped after ${rows} of its ${counted} rows (did the file change while it was read?)` });
  }

  /** The number of rows of a whole read (undefined when streamed). */
  get rows(): number | undefined {
    return this.result instanceof DuckDBMaterializedResult ? this.result.rowCount : undefined;
  }

  get names(): string[] {
    return this.result.columnNames();
  }

  get types(): string[] {
    return this.result.columnTypes().map((type) => type.toString());
  }

  /** The next chunk with rows, or null at the end. */
  async next(): Promise<DuckDBDataChunk | null> {
    try {
      const chunk = await this.result.fetchChunk();
      return chunk && chunk.rowCount > 0 ? chunk : null;
    } catch (error) {
      throw readFailure(this.path, error);
    }
  }

  close(): void {
    this.connection.closeSync();
  }
}

function buildersFor(stream: ChunkStream, memory: NumberMemory): ColumnBuilder[] {
  const types = stream.types;
  const rows = stream.rows;
  return stream.names.map((name, index) => columnBuilder(name, types[index]!, memory, rows));
}

/** Appends a chunk to the builders; returns its row count (a native call: read once). */
function appendChunk(builders: readonly ColumnBuilder[], chunk: DuckDBDataChunk): number {
  const rows = chunk.rowCount;
  builders.forEach((builder, index) => builder.append(chunk.getColumnVector(index), rows));
  return rows;
}

/** Reads a whole file into memory. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const stream = await ChunkStream.open(path, 'whole');
  try {
    const builders = buildersFor(stream, options.sharedMemory ? 'shared' : 'private');
    let rowCount = 0;
    for (let chunk = await stream.next(); chunk; chunk = await stream.next()) rowCount += appendChunk(builders, chunk);
    return { source: path, rowCount, columns: builders.map((builder) => builder.finish()) };
  } finally {
    stream.close();
  }
}

/**
 * Reads a file in tables of about `batchRows` rows each (whole DuckDB chunks), streaming: only
 * one batch is in memory at a time, so files larger than memory can be scored. Each batch's
 * chunks are released once converted (see native-chunks.ts).
 */
export async function* streamTable(path: string, batchRows: number): AsyncGenerator<Table> {
  const stream = await ChunkStream.open(path, 'streamed');
  try {
    let builders = buildersFor(stream, 'private');
    let rowCount = 0;
    let total = 0;
    for (;;) {
      const chunk = await stream.next();
      if (chunk) rowCount += appendChunk(builders, chunk);
      else await stream.checkComplete(total + rowCount);
      if (rowCount > 0 && (rowCount >= batchRows || !chunk)) {
        const table: Table = { source: path, rowCount, columns: builders.map((builder) => builder.finish()) };
        total += rowCount;
        builders = buildersFor(stream, 'private');
        rowCount = 0;
        releaseUnreferencedChunks();
        yield table;
      }
      if (!chunk) return;
    }
  } finally {
    stream.close();
  }
}

/**
 * Reading CSV, TSV, Parquet and JSON into a {@link Table} with DuckDB, the engine for all tabular
 * work in Sluice: correct float parsing (shortest round-trip), type inference, Parquet, and speed;
 * whole, or streamed in batches. Each read has a connection of its own, and its chunks are
 * converted as they are fetched.
 *
 * A streamed DuckDB result ends the same way whether the file was read to its end or a row failed
 * on the way (the bindings report neither the error nor the difference). So a whole read of CSV
 * or JSON runs its query to completion first, where a failure is an error; a whole read of Parquet
 * counts the rows first (from the footer, reading no data) and streams, and a stream that stops
 * short of the count is an error; a batched read counts at the end. Either way a row that failed
 * raises its own error, never a table cut short.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
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

/**
 * How a read gets its chunks: `whole` runs the query to completion first; `counted` (Parquet,
 * which keeps its row count in its footer) counts first and then streams, so the count both sizes
 * the columns and shows a stream that stopped short; `streamed` streams and counts at the end.
 */
type ReadMode = 'whole' | 'counted' | 'streamed';

/** A query's chunks, one at a time, with failures named after the file. */
class ChunkStream {
  private constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly connection: DuckDBConnection,
    private readonly result: DuckDBResult,
    /** The file's row count when known before the first chunk. */
    readonly rows: number | undefined,
  ) {}

  static async open(path: string, mode: ReadMode): Promise<ChunkStream> {
    const source = tableSource(path);
    const connection = await openConnection();
    const sql = `SELECT * FROM ${source}`;
    try {
      if (mode === 'whole') {
        const result = await connection.run(sql);
        return new ChunkStream(path, source, connection, result, result.rowCount);
      }
      const rows = mode === 'counted' ? await countRows(connection, source, 'count(*)') : undefined;
      return new ChunkStream(path, source, connection, await connection.stream(sql), rows);
    } catch (error) {
      connection.closeSync();
      throw readFailure(path, error);
    }
  }

  /**
   * For a streamed read that ended after `rows` rows: counts the file's rows (unless counted
   * before) and, when the stream stopped short, reads every column again without keeping them,
   * which raises the error of the row that failed (the stream stopped there without one). A bare
   * count(*) casts no value, so it does not fail on a bad one.
   */
  async checkComplete(rows: number): Promise<void> {
    let counted: number;
    try {
      counted = this.rows ?? (await countRows(this.connection, this.source, 'count(*)'));
      if (counted !== rows) await countRows(this.connection, this.source, 'max(hash(COLUMNS(*)))');
    } catch (error) {
      throw readFailure(this.path, error);
    }
    if (counted !== rows) throw unreadableData({ path: this.path, reason: `the read stopped after ${rows} of its ${counted} rows (did the file change while it was read?)` });
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

/** The first value of `SELECT what FROM source`, as a number. */
async function countRows(connection: DuckDBConnection, source: string, what: string): Promise<number> {
  return Number((await connection.runAndReadAll(`SELECT ${what} FROM ${source}`)).getRows()[0]![0]);
}

/** Parquet files keep their row count in their footer: counting them reads no data. */
function isParquet(path: string): boolean {
  return /\.(parquet|pq)$/i.test(path);
}

function buildersFor(stream: ChunkStream, memory: NumberMemory): ColumnBuilder[] {
  const types = stream.types;
  const rows = stream.rows;
  return stream.names.map((name, index) => columnBuilder(name, types[index]!, memory, rows));
}

/** Appends a chunk of `rows` rows to the builders (its rowCount is a native call: read it once). */
function appendChunk(builders: readonly ColumnBuilder[], chunk: DuckDBDataChunk, rows: number): void {
  builders.forEach((builder, index) => builder.append(chunk.getColumnVector(index), rows));
}

/** Reads a whole file into memory. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const stream = await ChunkStream.open(path, isParquet(path) ? 'counted' : 'whole');
  try {
    const builders = buildersFor(stream, options.sharedMemory ? 'shared' : 'private');
    let rowCount = 0;
    for (let chunk = await stream.next(); chunk; chunk = await stream.next()) {
      const rows = chunk.rowCount;
      if (stream.rows !== undefined && rowCount + rows > stream.rows) throw unreadableData({ path, reason: `it holds more rows than the ${stream.rows} it held when the read began (did it change meanwhile?)` });
      appendChunk(builders, chunk, rows);
      rowCount += rows;
    }
    if (rowCount !== stream.rows) await stream.checkComplete(rowCount);
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
      if (chunk) {
        const rows = chunk.rowCount;
        appendChunk(builders, chunk, rows);
        rowCount += rows;
      }
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

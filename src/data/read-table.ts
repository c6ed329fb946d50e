/**
 * Reading CSV, TSV, Parquet and JSON into a {@link Table} with DuckDB, the engine for all tabular
 * work in Sluice: correct float parsing (shortest round-trip), type inference, Parquet, and speed;
 * whole, or streamed in batches. Results are streamed either way (a materialized result would
 * hold a second copy of the file in DuckDB's memory), each on a connection of its own.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { columnBuilder, type ColumnBuilder, type NumberMemory } from './column-builders.js';
import { openConnection, readFailure, tableSource } from './duckdb-source.js';
import { releaseUnreferencedChunks } from './native-chunks.js';
import type { Table } from './table.js';

export interface ReadTableOptions {
  /**
   * Numbers over (growable) SharedArrayBuffers, written once as the chunks arrive, that worker
   * threads can read and sort in place; by default each number column owns an ordinary buffer,
   * which may be transferred. For tables handed to worker threads, like drift detection's.
   */
  readonly sharedMemory?: boolean;
}

/** A streamed query's chunks, one at a time, with failures named after the file. */
class ChunkStream {
  private constructor(
    private readonly path: string,
    private readonly connection: DuckDBConnection,
    private readonly result: DuckDBResult,
  ) {}

  static async open(path: string): Promise<ChunkStream> {
    const source = tableSource(path);
    const connection = await openConnection();
    try {
      return new ChunkStream(path, connection, await connection.stream(`SELECT * FROM ${source}`));
    } catch (error) {
      connection.closeSync();
      throw readFailure(path, error);
    }
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
  return stream.names.map((name, index) => columnBuilder(name, types[index]!, memory));
}

/** Appends a chunk to the builders; returns its row count (a native call: read once). */
function appendChunk(builders: readonly ColumnBuilder[], chunk: DuckDBDataChunk): number {
  const rows = chunk.rowCount;
  builders.forEach((builder, index) => builder.append(chunk.getColumnVector(index), rows));
  return rows;
}

/** Reads a whole file into memory. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const stream = await ChunkStream.open(path);
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
  const stream = await ChunkStream.open(path);
  try {
    let builders = buildersFor(stream, 'private');
    let rowCount = 0;
    for (;;) {
      const chunk = await stream.next();
      if (chunk) rowCount += appendChunk(builders, chunk);
      if (rowCount > 0 && (rowCount >= batchRows || !chunk)) {
        const table: Table = { source: path, rowCount, columns: builders.map((builder) => builder.finish()) };
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

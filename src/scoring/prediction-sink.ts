/**
 * Where scored rows go: a CSV written as the batches arrive, or Parquet converted from that CSV by
 * DuckDB at the end (DuckDB streams the conversion, so neither keeps the table in memory). Both
 * are written beside the target and renamed over it only when every row is in: an interrupted
 * run leaves the previous file, never half of one.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, extname } from 'node:path';
import { tempPathBeside } from '../core/index.js';
import { duckdb, quoteLiteral } from '../data/index.js';
import { outputNotWritable, unsupportedOutputFormat } from './errors.js';

export type OutputFormat = 'csv' | 'parquet';
/** The SQL type of an output column, for the Parquet schema. */
export type SinkColumnType = 'DOUBLE' | 'VARCHAR';

export interface PredictionSink {
  readonly format: OutputFormat;
  /** Appends CSV text (whole lines). */
  write(text: string): Promise<void>;
  /** Makes the file appear at its path, with these column types (Parquet). */
  commit(columns: readonly { name: string; type: SinkColumnType }[]): Promise<void>;
  /** Removes what was written. */
  abort(): Promise<void>;
}

export function outputFormatOf(path: string): OutputFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.parquet' || extension === '.pq') return 'parquet';
  throw unsupportedOutputFormat({ path });
}

export async function openPredictionSink(path: string): Promise<PredictionSink> {
  const format = outputFormatOf(path);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw outputNotWritable({ path, reason: `the directory ${dirname(path)} does not exist` });
  if (existsSync(path) && statSync(path).isDirectory()) throw outputNotWritable({ path, reason: 'it is a directory' });
  const csvPath = tempPathBeside(format === 'csv' ? path : `${path}.csv`);
  const stream = createWriteStream(csvPath, { flags: 'wx' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw outputNotWritable({ path, reason: (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message }, { cause: error });
  }
  const close = async (target: WriteStream) => {
    if (target.closed) return;
    target.end();
    await once(target, 'close');
  };
  return {
    format,
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async commit(columns) {
      await close(stream);
      try {
        if (format === 'csv') {
          renameSync(csvPath, path);
          return;
        }
        const parquetPath = tempPathBeside(path);
        const schema = `{${columns.map((column) => `${quoteLiteral(column.name)}: '${column.type}'`).join(', ')}}`;
        try {
          const db = await duckdb();
          await db.run(`COPY (SELECT * FROM read_csv(${quoteLiteral(csvPath)}, header = true, delim = ',', quote = '"', columns = ${schema})) TO ${quoteLiteral(parquetPath)} (FORMAT parquet)`);
          renameSync(parquetPath, path);
        } finally {
          rmSync(parquetPath, { force: true });
        }
      } finally {
        rmSync(csvPath, { force: true });
      }
    },
    async abort() {
      await close(stream).catch(() => undefined);
      rmSync(csvPath, { force: true });
    },
  };
}

/** The CSV header line of `names`. */
export function headerLine(names: readonly string[]): string {
  return `${names.map((name) => (/[",\r\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name)).join(',')}\n`;
}


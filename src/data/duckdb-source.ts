/**
 * DuckDB, the engine for all tabular work in Sluice (correct float parsing, type inference,
 * Parquet, speed): one in-memory database per process, the table function that reads a file,
 * and read failures turned into errors that name the file, line and column.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { diagnoseCsv, duplicateHeaderName } from './csv-diagnostics.js';
import { dataFileNotFound, emptyDataFile, malformedData, mixedColumn, unreadableData, unsupportedDataFormat } from './errors.js';

/** Which types DuckDB may infer for CSV columns. */
export type TypeInference =
  /** Numbers and text only: what models read (labels like yes/no and date-like codes stay text). */
  | 'numbers'
  /** Also dates and timestamps: for profiling and schemas. */
  | 'rich';

const CANDIDATES: Readonly<Record<TypeInference, string>> = {
  numbers: `['BIGINT', 'DOUBLE', 'VARCHAR']`,
  // BOOLEAN is left out: DuckDB would turn yes/no into true/false, changing what users wrote.
  rich: `['BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'VARCHAR']`,
};

function quote(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/** The delimiter a CSV-like file uses, by extension; undefined for other formats. */
function delimiterOf(path: string): string | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv' || extension === '.txt') return ',';
  if (extension === '.tsv') return '\t';
  return undefined;
}

/** True when the file holds nothing but whitespace (DuckDB would read it as one empty column). */
function isBlank(path: string): boolean {
  const handle = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(handle, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8').trim() === '';
  } finally {
    closeSync(handle);
  }
}

/**
 * The DuckDB table function that reads `path`, chosen by extension. The delimiter is fixed by
 * the extension (comma for .csv, tab for .tsv) and rows must all have the header's field count:
 * the sniffer would otherwise read a ragged file as one text column, or take its first rows for
 * a preamble to skip, without complaint.
 */
export function tableSource(path: string, inference: TypeInference = 'numbers', options: { readonly sniffWholeFile?: boolean } = {}): string {
  if (!existsSync(path)) throw dataFileNotFound({ path });
  if (!statSync(path).isFile()) throw unreadableData({ path, reason: 'it is a directory, not a file' });
  const delimiter = delimiterOf(path);
  if (delimiter !== undefined) {
    if (isBlank(path)) throw emptyDataFile({ path });
    const twice = duplicateHeaderName(path, delimiter);
    if (twice !== undefined) throw malformedData({ path, line: 1, problem: `the header names the column "${twice}" twice (a reader would rename one of them silently); give each column its own name` });
    const sample = options.sniffWholeFile ? ', sample_size = -1' : '';
    return `read_csv(${quote(path)}, header = true, delim = '${delimiter}', skip = 0, strict_mode = true, null_padding = false, auto_type_candidates = ${CANDIDATES[inference]}${sample})`;
  }
  switch (extname(path).toLowerCase()) {
    case '.parquet':
    case '.pq':
      return `read_parquet(${quote(path)})`;
    case '.json':
    case '.jsonl':
    case '.ndjson':
      return `read_json_auto(${quote(path)})`;
    default:
      throw unsupportedDataFormat({ path });
  }
}

let instance: Promise<DuckDBInstance> | undefined;
let shared: Promise<DuckDBConnection> | undefined;

/** One in-memory DuckDB per process: opening one costs ~30 ms. */
function duckdbInstance(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:');
  return instance;
}

/** The process's connection to its DuckDB, for queries and the temporary tables they share. */
export function duckdb(): Promise<DuckDBConnection> {
  shared ??= duckdbInstance().then((opened) => opened.connect());
  return shared;
}

/**
 * A connection of its own, for a streamed result: two results streamed on one connection at once
 * cut each other short (the first stops early, without an error). Close it when done.
 */
export async function openConnection(): Promise<DuckDBConnection> {
  return (await duckdbInstance()).connect();
}

/** How a DuckDB type reads in a sentence: `a number`, `a date`. */
function typeWords(sqlType: string): string {
  if (/INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(sqlType)) return 'a number';
  if (sqlType === 'DATE') return 'a date';
  if (sqlType.startsWith('TIMESTAMP')) return 'a timestamp';
  if (sqlType === 'BOOLEAN') return 'true or false';
  return `of type ${sqlType}`;
}

/**
 * DuckDB guesses a CSV column's type from its first 20,480 rows; a value of another type after
 * them (a text cell in a number column at row 40,000) fails the read. Such a read is done again
 * with the types guessed from the whole file (a second pass, only then), so the column reads as
 * text and validation reports the bad value as a type violation instead of an unreadable file.
 */
export function isLateTypeMismatch(path: string, error: unknown): boolean {
  return delimiterOf(path) !== undefined && /Could not convert string|Error when converting column/.test(error instanceof Error ? error.message : String(error));
}

/**
 * The error for a file DuckDB could not read: for delimited files, the line and column found by
 * {@link diagnoseCsv}; otherwise DuckDB's own first line.
 */
export function readFailure(path: string, error: unknown): Error {
  const delimiter = delimiterOf(path);
  const message = error instanceof Error ? error.message : String(error);
  const mixed = /CSV Error on Line: (\d+)[\s\S]*?Error when converting column "([^"]+)"\. Could not convert string "([^"]*)" to '(\w+)'/.exec(message);
  if (delimiter !== undefined && mixed) {
    const [, line, column, value, sqlType] = mixed;
    return mixedColumn({ path, line: Number(line), column: column!, value: value!.length > 60 ? `${value!.slice(0, 60)}…` : value!, type: typeWords(sqlType!) }, { cause: error });
  }
  const found = delimiter === undefined ? undefined : diagnoseCsv(path, delimiter);
  if (found) return malformedData({ path, line: found.line, problem: found.problem }, { cause: error });
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^[A-Za-z ]+Error: /, '');
  return unreadableData({ path, reason }, { cause: error });
}

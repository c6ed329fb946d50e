/**
 * A file loaded once into DuckDB as a temporary table, for work that runs several queries over
 * it (profiling, validation): the file is parsed once, every query after is columnar and parallel.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb, isLateTypeMismatch, readFailure, tableSource, type TypeInference } from './duckdb-source.js';

/** The kinds of column Sluice's profiles and schemas speak of. */
export type ColumnType = 'integer' | 'number' | 'string' | 'boolean' | 'date' | 'timestamp';

export interface LoadedColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** DuckDB's type, for messages. */
  readonly sqlType: string;
}

export interface LoadedTable {
  readonly path: string;
  /** The temporary table's quoted name, for SQL. */
  readonly sql: string;
  readonly columns: readonly LoadedColumn[];
  readonly rowCount: number;
  readonly connection: DuckDBConnection;
  /** Drops the temporary table. */
  close(): Promise<void>;
}

/** A name or value quoted as a SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A value quoted as a SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function columnTypeOf(sqlType: string): ColumnType {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(sqlType)) return 'integer';
  if (/^(FLOAT|DOUBLE|DECIMAL.*|REAL)$/.test(sqlType)) return 'number';
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (sqlType === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(sqlType)) return 'timestamp';
  return 'string';
}

let counter = 0;

/**
 * The hidden column `loadTable(path, { rowNumbers: true })` adds: each row's 1-based position in
 * the file. A column of its own because DuckDB's `rowid` is shadowed by a data column of that name.
 */
export const ROW_NUMBER_COLUMN = '__sluice_row';

export interface LoadOptions {
  readonly inference?: TypeInference;
  /** Add {@link ROW_NUMBER_COLUMN} (not listed in `columns`). */
  readonly rowNumbers?: boolean;
}

export async function loadTable(path: string, options: LoadOptions = {}): Promise<LoadedTable> {
  let source = tableSource(path, options.inference ?? 'rich');
  const connection = await duckdb();
  const sql = quoteIdentifier(`sluice_loaded_${process.pid}_${++counter}`);
  // DuckDB preserves insertion order, so row_number() over the scan is the row's place in the file.
  const select = options.rowNumbers ? `row_number() OVER () AS ${quoteIdentifier(ROW_NUMBER_COLUMN)}, *` : '*';
  try {
    await connection.run(`CREATE TEMP TABLE ${sql} AS SELECT ${select} FROM ${source}`);
  } catch (error) {
    if (!isLateTypeMismatch(path, error)) throw readFailure(path, error);
    source = tableSource(path, options.inference ?? 'rich', { sniffWholeFile: true });
    try {
      await connection.run(`CREATE TEMP TABLE ${sql} AS SELECT ${select} FROM ${source}`);
    } catch (again) {
      throw readFailure(path, again);
    }
  }
  const described = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${sql})`);
  const columns = described
    .getRows()
    .map(([name, type]) => ({ name: String(name), sqlType: String(type), type: columnTypeOf(String(type)) }))
    .filter((column) => !(options.rowNumbers && column.name === ROW_NUMBER_COLUMN));
  const counted = await connection.runAndReadAll(`SELECT count(*) FROM ${sql}`);
  return {
    path,
    sql,
    columns,
    rowCount: Number(counted.getRows()[0]![0]),
    connection,
    close: async () => {
      await connection.run(`DROP TABLE IF EXISTS ${sql}`);
    },
  };
}

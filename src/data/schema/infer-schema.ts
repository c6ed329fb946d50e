/**
 * `sluice schema infer`: a schema that the given file satisfies, as a starting point people
 * edit. Bounds are what the file holds; categories are listed when there are few; ids (whole
 * numbers or text, all distinct) are marked unique.
 */
import { Document } from 'yaml';
import { loadTable, quoteIdentifier, type LoadedColumn, type LoadedTable } from '../loaded-table.js';
import type { ColumnRules, DataSchema } from './schema-file.js';

/** Text columns with at most this many distinct values get an `allowed` list. */
const MAX_CATEGORIES = 20;

/** Rows of all-distinct values that make a column an id even without an id-like name. */
const ID_EVIDENCE_ROWS = 1000;

interface ColumnFacts {
  readonly present: number;
  readonly distinct: number;
  readonly min: unknown;
  readonly max: unknown;
  readonly values: readonly string[] | undefined;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value !== null && typeof value === 'object') return String(value);
  return value;
}

async function columnFacts(table: LoadedTable, column: LoadedColumn): Promise<ColumnFacts> {
  const name = quoteIdentifier(column.name);
  const ordered = column.type === 'integer' || column.type === 'number' || column.type === 'date' || column.type === 'timestamp';
  // NaN counts as missing (as in validation and profiles); ±Infinity is no bound anyone means.
  const floating = column.type === 'number';
  const present = floating ? `count(${name}) FILTER (WHERE NOT isnan(${name}))` : `count(${name})`;
  const bounded = floating ? ` FILTER (WHERE isfinite(${name}))` : '';
  const result = await table.connection.runAndReadAll(
    `SELECT ${present}, count(DISTINCT ${name}), ${ordered ? `min(${name})${bounded}, max(${name})${bounded}` : 'NULL, NULL'} FROM ${table.sql}`,
  );
  const [count, distinct, min, max] = result.getRows()[0]!;
  let values: string[] | undefined;
  if (column.type === 'string' && Number(distinct) <= MAX_CATEGORIES) {
    const listed = await table.connection.runAndReadAll(`SELECT DISTINCT ${name} FROM ${table.sql} WHERE ${name} IS NOT NULL ORDER BY 1`);
    values = listed.getRows().map(([value]) => String(value));
  }
  return { present: Number(count), distinct: Number(distinct), min: plain(min), max: plain(max), values };
}

/** Rounds a share up to two decimals, so the observed share itself passes. */
function ceilShare(share: number): number {
  return Math.min(1, Math.ceil(share * 100) / 100);
}

function inferColumn(column: LoadedColumn, facts: ColumnFacts, rows: number): ColumnRules {
  const missing = rows - facts.present;
  const booleanText = facts.values !== undefined && facts.values.length > 0 && facts.values.every((value) => /^(true|false)$/i.test(value));
  const rules: Record<string, unknown> = { type: booleanText ? 'boolean' : column.type, nullable: missing > 0 };
  if (missing > 0) rules.max_missing_share = ceilShare(missing / rows);
  if (facts.min !== null && facts.min !== undefined) rules.min = facts.min;
  if (facts.max !== null && facts.max !== undefined) rules.max = facts.max;
  // Few distinct texts among many rows are categories; as many distinct as rows is an id, when
  // the name says so or there are enough rows that it is not chance.
  if (facts.values && !booleanText && facts.distinct < facts.present) rules.allowed = facts.values;
  const idLike = /(^|[_\-\s])(id|key|uuid)$/i.test(column.name) || /[a-z](Id|Key|Uuid)$/.test(column.name) || facts.present >= ID_EVIDENCE_ROWS;
  if ((column.type === 'integer' || column.type === 'string') && idLike && facts.present > 1 && facts.distinct === facts.present) rules.unique = true;
  return rules as ColumnRules;
}

/** The schema of the table in `path`. */
export async function inferSchema(path: string): Promise<DataSchema> {
  const table = await loadTable(path);
  try {
    const columns: Record<string, ColumnRules> = {};
    for (const column of table.columns) columns[column.name] = inferColumn(column, await columnFacts(table, column), table.rowCount);
    return {
      version: 1,
      rows: { min: Math.floor(table.rowCount / 2), max: table.rowCount * 2 },
      allow_extra_columns: false,
      columns,
      expectations: [],
      drift: { method: 'auto', correction: 'bonferroni', drift_share: 0.5, exclude: [], fail_on: 'dataset' },
    };
  } finally {
    await table.close();
  }
}

/** The schema as YAML with comments that say where it came from and how to edit it. */
export function renderSchemaYaml(schema: DataSchema, source: string): string {
  const { drift: _drift, expectations: _expectations, ...rest } = schema;
  const document = new Document({ ...rest, expectations: [] });
  document.commentBefore = [
    ` Data schema inferred from ${source} by \`sluice schema infer\`.`,
    ' The bounds are what that file holds: widen them to what you accept, then check data with',
    ' `sluice validate FILE --schema THIS_FILE`. Column rules: type, nullable, max_missing_share,',
    ' min, max, allowed, regex, unique. Row-level rules go under expectations, in SQL:',
    '   - expect: "age >= 18 OR age IS NULL"',
    ` rows: half to twice the ${schema.rows?.max !== undefined ? schema.rows.max / 2 : 0} rows of the source.`,
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

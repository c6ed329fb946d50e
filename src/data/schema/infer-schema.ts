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

/**
 * How `min`/`max` are written. `sign` (the default) keeps only what a new sample of the same data
 * will not cross: a column with no negative values gets `min: 0` (and one with no positive values
 * `max: 0`). The file's own range (`exact`) fails held-out splits of heavy-tailed data: in the
 * breast-cancer test split, area_error reaches 1.5 ranges beyond the training split's maximum.
 */
export type BoundsPolicy = 'sign' | 'exact' | 'none';

function bounds(facts: ColumnFacts, policy: BoundsPolicy): { min?: unknown; max?: unknown } {
  const present = (value: unknown) => value !== null && value !== undefined;
  if (policy === 'none') return {};
  if (policy === 'exact' || typeof facts.min !== 'number' || typeof facts.max !== 'number') {
    return { ...(present(facts.min) ? { min: facts.min } : {}), ...(present(facts.max) ? { max: facts.max } : {}) };
  }
  if (facts.min >= 0) return { min: 0 };
  if (facts.max <= 0) return { max: 0 };
  return {};
}

function inferColumn(column: LoadedColumn, facts: ColumnFacts, rows: number, policy: BoundsPolicy): ColumnRules {
  const missing = rows - facts.present;
  const booleanText = facts.values !== undefined && facts.values.length > 0 && facts.values.every((value) => /^(true|false)$/i.test(value));
  const rules: Record<string, unknown> = { type: booleanText ? 'boolean' : column.type, nullable: missing > 0 };
  if (missing > 0) rules.max_missing_share = ceilShare(missing / rows);
  Object.assign(rules, bounds(facts, policy));
  // Few distinct texts among many rows are categories; as many distinct as rows is an id, when
  // the name says so or there are enough rows that it is not chance.
  if (facts.values && !booleanText && facts.distinct < facts.present) rules.allowed = facts.values;
  const idLike = /(^|[_\-\s])(id|key|uuid)$/i.test(column.name) || /[a-z](Id|Key|Uuid)$/.test(column.name) || facts.present >= ID_EVIDENCE_ROWS;
  if ((column.type === 'integer' || column.type === 'string') && idLike && facts.present > 1 && facts.distinct === facts.present) rules.unique = true;
  return rules as ColumnRules;
}

/**
 * The schema of the table in `path`. The file is one sample of the data the schema will check, so
 * numeric bounds keep only the sign by default and row counts only require data (a test split is
 * smaller than the training file it was inferred from).
 */
export async function inferSchema(path: string, options: { readonly bounds?: BoundsPolicy } = {}): Promise<DataSchema> {
  const table = await loadTable(path);
  try {
    const columns: Record<string, ColumnRules> = {};
    for (const column of table.columns) columns[column.name] = inferColumn(column, await columnFacts(table, column), table.rowCount, options.bounds ?? 'sign');
    return {
      version: 1,
      rows: { min: 1 },
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
    ' Numeric columns without negative values get min: 0 (--bounds exact writes the file\'s range):',
    ' add the bounds you accept, then check data with',
    ' `sluice validate FILE --schema THIS_FILE`. Column rules: type, nullable, max_missing_share,',
    ' min, max, allowed, regex, unique. Row-level rules go under expectations, in SQL:',
    '   - expect: "age >= 18 OR age IS NULL"',
    ' rows: at least one; add a max, or a larger min, for the sizes you expect.',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

/**
 * `sluice validate`: checks a table against a schema and, given a reference, for drift. Every
 * violation is listed with the column, the rule, what was observed against what was expected,
 * and example rows, so bad data stops a pipeline with a report people can act on.
 */
import { detectDrift, type DriftResult } from '../drift/index.js';
import { invalidExpectation } from '../errors.js';
import { loadTable, quoteIdentifier, ROW_NUMBER_COLUMN, type LoadedTable } from '../loaded-table.js';
import { columnChecks, typedValue, type RowCheck } from './column-rules.js';
import { loadSchema, type DataSchema, type LoadedSchema } from './schema-file.js';

export interface ExampleRow {
  /** 1-based data row (the header is not counted). */
  readonly row: number;
  readonly value: string | null;
}

export interface Violation {
  readonly column: string | null;
  readonly rule: string;
  readonly observed: string;
  readonly expected: string;
  /** Rows that fail the rule, when it is about rows. */
  readonly failing_rows: number | null;
  readonly examples: readonly ExampleRow[];
}

export interface ValidationResult {
  readonly file: string;
  readonly schema: string;
  readonly rows: number;
  readonly passed: boolean;
  /** How many rules were checked. */
  readonly checks: number;
  readonly violations: readonly Violation[];
  /** The drift comparison, when a reference was given. */
  readonly drift: DriftResult | null;
}

export interface ValidateOptions {
  readonly schemaPath: string;
  readonly referencePath?: string | undefined;
  /** Example rows per violation (default 5). */
  readonly examples?: number | undefined;
}

/** Each row's place in the file (a hidden column: `rowid` could be shadowed by a data column). */
const ROW = quoteIdentifier(ROW_NUMBER_COLUMN);

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

/**
 * Runs SQL written in the schema; DuckDB's complaint becomes an error at the rule's line. A rule
 * over a column the schema lists but the data lacks is skipped (returns undefined): the missing
 * column is itself the violation.
 */
async function trySchemaSql(table: LoadedTable, loaded: LoadedSchema, check: RowCheck, sql: string): Promise<unknown[][] | undefined> {
  try {
    return (await table.connection.runAndReadAll(sql)).getRows() as unknown[][];
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^[A-Za-z ]+Error: /, '');
    const unknown = /Referenced column "([^"]+)" not found/.exec(message)?.[1];
    if (unknown !== undefined && unknown in loaded.schema.columns) return undefined;
    const problem = unknown ? `refers to the column "${unknown}", which neither ${table.path} nor the schema has (columns: ${table.columns.map((column) => column.name).join(', ')})` : `is not valid SQL for DuckDB: ${message}`;
    throw invalidExpectation({ rule: check.rule, problem }, { location: loaded.document.locate(check.at), cause: error });
  }
}

/**
 * The rows as the schema types them, for expectations (SQL over several columns): a column the
 * file holds as text where the schema says number (one bad cell makes DuckDB read it so) is cast,
 * its bad values NULL. Compared as text, every expectation on it would be a DuckDB type error; so
 * the bad row fails its type rule and any expectation it cannot meet, and the rest are checked.
 */
function typedSource(table: LoadedTable, schema: DataSchema): string {
  const replaced = table.columns.flatMap((column) => {
    const typed = typedValue(column.name, column.type, schema.columns[column.name]?.type);
    return typed === quoteIdentifier(column.name) ? [] : [`${typed} AS ${quoteIdentifier(column.name)}`];
  });
  return replaced.length === 0 ? table.sql : `(SELECT * REPLACE (${replaced.join(', ')}) FROM ${table.sql})`;
}

async function rowViolations(table: LoadedTable, loaded: LoadedSchema, checks: RowCheck[], examples: number, source = table.sql): Promise<Violation[]> {
  if (checks.length === 0) return [];
  // Each rule's SQL is tried alone first, so a mistake in one is reported at its own line.
  const runnable: RowCheck[] = [];
  for (const check of checks) {
    const written = check.column === undefined || check.rule === 'regex';
    if (!written || (await trySchemaSql(table, loaded, check, `SELECT count(*) FILTER (WHERE ${check.failing}) FROM ${source} LIMIT 0`))) runnable.push(check);
  }
  checks = runnable;
  if (checks.length === 0) return [];
  const countSql = (list: readonly RowCheck[]) => `SELECT ${list.map((check) => `count(*) FILTER (WHERE ${check.failing})`).join(', ')} FROM ${source}`;
  let counts: unknown[];
  try {
    counts = (await table.connection.runAndReadAll(countSql(checks))).getRows()[0]!;
  } catch (error) {
    // A rule DuckDB cannot evaluate (a value it cannot convert): found by running each alone, reported at its line.
    for (const check of checks) await trySchemaSql(table, loaded, check, countSql([check]));
    throw error;
  }
  const violations: Violation[] = [];
  for (const [k, check] of checks.entries()) {
    const failing = Number(counts[k]);
    if (failing <= check.allowedFailures) continue;
    const rows = await table.connection.runAndReadAll(`SELECT ${ROW}, ${check.shown} FROM ${source} WHERE ${check.failing} ORDER BY ${ROW} LIMIT ${examples}`);
    const share = table.rowCount > 0 ? ` (${((failing / table.rowCount) * 100).toFixed(2)} %)` : '';
    violations.push({
      column: check.column ?? null,
      rule: check.rule,
      observed: `${plural(failing, 'row')}${share} fail`,
      expected: check.allowedFailures > 0 ? `${check.expected}; at most ${plural(check.allowedFailures, 'row')} may fail` : check.expected,
      failing_rows: failing,
      examples: rows.getRows().map(([row, value]) => ({ row: Number(row), value: text(value) })),
    });
  }
  return violations;
}

async function uniquenessViolation(table: LoadedTable, column: string, examples: number): Promise<Violation | undefined> {
  const name = quoteIdentifier(column);
  const [[duplicates]] = (await table.connection.runAndReadAll(`SELECT count(${name}) - count(DISTINCT ${name}) FROM ${table.sql}`)).getRows() as [[unknown]];
  if (Number(duplicates) === 0) return undefined;
  const groups = await table.connection.runAndReadAll(
    `SELECT CAST(${name} AS VARCHAR), list(${ROW} ORDER BY ${ROW})[1:3] FROM ${table.sql} WHERE ${name} IS NOT NULL GROUP BY ${name} HAVING count(*) > 1 ORDER BY min(${ROW}) LIMIT ${examples}`,
  );
  return {
    column,
    rule: 'unique',
    observed: `${plural(Number(duplicates), 'repeated value')}`,
    expected: 'every value distinct',
    failing_rows: Number(duplicates),
    examples: groups.getRows().flatMap(([value, rows]) => (rows as { items: unknown[] }).items.map((row) => ({ row: Number(row), value: text(value) }))),
  };
}

function structureViolations(table: LoadedTable, schema: DataSchema): Violation[] {
  const violations: Violation[] = [];
  const present = new Set(table.columns.map((column) => column.name));
  for (const name of Object.keys(schema.columns)) {
    if (!present.has(name)) violations.push({ column: name, rule: 'present', observed: 'column missing', expected: 'the column', failing_rows: null, examples: [] });
  }
  if (!schema.allow_extra_columns) {
    for (const column of table.columns) {
      if (!(column.name in schema.columns)) violations.push({ column: column.name, rule: 'no_extra_columns', observed: `unexpected column (${column.type})`, expected: 'only the schema\'s columns (or allow_extra_columns: true)', failing_rows: null, examples: [] });
    }
  }
  const { min, max } = schema.rows ?? {};
  if ((min !== undefined && table.rowCount < min) || (max !== undefined && table.rowCount > max)) {
    const range = min !== undefined && max !== undefined ? `${min} to ${max} rows` : min !== undefined ? `at least ${min} rows` : `at most ${max} rows`;
    violations.push({ column: null, rule: 'rows', observed: plural(table.rowCount, 'row'), expected: range, failing_rows: null, examples: [] });
  }
  return violations;
}

function driftViolations(drift: DriftResult, schema: DataSchema): Violation[] {
  const drifted = Object.entries(drift.columns).filter(([, column]) => column.drifted);
  if (schema.drift.fail_on === 'column') {
    return drifted.map(([name, column]) => ({
      column: name,
      rule: 'drift',
      observed: `${column.method} ${column.statistic}${column.p_value === null ? '' : `, p ${column.p_value}`}`,
      expected: `${column.p_value === null ? 'below' : 'p above'} ${column.threshold}`,
      failing_rows: null,
      examples: [],
    }));
  }
  if (!drift.dataset_drift) return [];
  return [{
    column: null,
    rule: 'drift',
    observed: `${drift.drifted_columns} of ${drift.number_of_columns} columns drifted (${drifted.map(([name]) => name).join(', ')})`,
    expected: `under ${drift.drift_share_threshold * 100} % of columns drifted`,
    failing_rows: null,
    examples: [],
  }];
}

/** Validates the table in `path` against a schema file (and a reference, for drift). */
export async function validateFile(path: string, options: ValidateOptions): Promise<ValidationResult> {
  const loaded = loadSchema(options.schemaPath);
  const { schema } = loaded;
  const examples = options.examples ?? 5;
  const table = await loadTable(path, { rowNumbers: true });
  try {
    const checks: RowCheck[] = [];
    const unique: string[] = [];
    for (const column of table.columns) {
      const rules = schema.columns[column.name];
      if (!rules) continue;
      const columnRules = columnChecks(column, rules, table.rowCount);
      if (!Array.isArray(columnRules)) {
        throw invalidExpectation({ rule: columnRules.rule, problem: `cannot apply: ${columnRules.problem}` }, { location: loaded.document.locate(columnRules.at) });
      }
      checks.push(...columnRules);
      if (rules.unique) unique.push(column.name);
    }
    const wholeRow = `CAST(struct_pack(${table.columns.map((column) => `${quoteIdentifier(column.name)} := ${quoteIdentifier(column.name)}`).join(', ')}) AS VARCHAR)`;
    const expectations: RowCheck[] = [];
    schema.expectations.forEach((expectation, k) => {
      expectations.push({
        column: undefined,
        rule: expectation.name ?? expectation.expect,
        expected: `rows where ${expectation.expect}`,
        failing: `(${expectation.expect}) IS NOT TRUE`,
        allowedFailures: Math.floor((expectation.max_failing_share ?? 0) * table.rowCount + 1e-9),
        // The whole row, as DuckDB prints a struct: {'age': 15, ...}.
        shown: wholeRow,
        at: ['expectations', k, 'expect'],
      });
    });
    const violations = [
      ...structureViolations(table, schema),
      ...(await rowViolations(table, loaded, checks, examples)),
      ...(await rowViolations(table, loaded, expectations, examples, typedSource(table, schema))),
    ];
    for (const column of unique) {
      const violation = await uniquenessViolation(table, column, examples);
      if (violation) violations.push(violation);
    }
    let drift: DriftResult | null = null;
    if (options.referencePath) {
      const settings = schema.drift;
      drift = await detectDrift(options.referencePath, path, { method: settings.method, threshold: settings.threshold, correction: settings.correction, driftShare: settings.drift_share, exclude: settings.exclude });
      violations.push(...driftViolations(drift, schema));
    }
    const structural = 2 + (schema.rows ? 1 : 0);
    return { file: path, schema: options.schemaPath, rows: table.rowCount, passed: violations.length === 0, checks: checks.length + expectations.length + unique.length + structural + (drift ? 1 : 0), violations, drift };
  } finally {
    await table.close();
  }
}

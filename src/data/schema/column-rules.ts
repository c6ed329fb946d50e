/**
 * A schema's column rules as SQL: for each rule, the condition a failing row meets, so one
 * aggregate query counts every rule's failures and one small query per failed rule fetches
 * example rows.
 */
import type { DocumentPath } from '../../core/index.js';
import { quoteIdentifier, quoteLiteral, type ColumnType, type LoadedColumn } from '../loaded-table.js';
import type { ColumnRules } from './schema-file.js';

/** One row-level check. */
export interface RowCheck {
  /** The column it is about; undefined for expectations over the row. */
  readonly column: string | undefined;
  readonly rule: string;
  /** What the rule accepts, in words. */
  readonly expected: string;
  /** SQL true for a row that fails. */
  readonly failing: string;
  /** The most failing rows accepted. */
  readonly allowedFailures: number;
  /** The value shown for an example row (SQL; numbers print as JavaScript does, -1 not -1.0). */
  readonly shown: string;
  /** Where the rule is written in the schema file, for errors in its SQL. */
  readonly at: DocumentPath;
}

const NUMERIC: readonly ColumnType[] = ['integer', 'number'];

/** SQL for the column's values as the schema's type (TRY_CAST when the file's type differs). */
export function typedValue(name: string, loaded: ColumnType, wanted: ColumnType | undefined): string {
  const column = quoteIdentifier(name);
  if (!wanted || wanted === loaded || (wanted === 'number' && loaded === 'integer')) return column;
  switch (wanted) {
    case 'integer':
      return `TRY_CAST(trim(${column}) AS BIGINT)`;
    case 'number':
      return `TRY_CAST(${column} AS DOUBLE)`;
    case 'boolean':
      return `TRY_CAST(${column} AS BOOLEAN)`;
    case 'date':
      return `TRY_CAST(${column} AS DATE)`;
    case 'timestamp':
      return `TRY_CAST(${column} AS TIMESTAMP)`;
    case 'string':
      return `CAST(${column} AS VARCHAR)`;
  }
}

/** A row whose value is present but not of the schema's type. */
function typeFailure(name: string, loaded: ColumnType, wanted: ColumnType): string | undefined {
  const column = quoteIdentifier(name);
  if (wanted === 'string' || wanted === loaded || (wanted === 'number' && loaded === 'integer') || (wanted === 'timestamp' && loaded === 'date')) return undefined;
  if (wanted === 'integer' && loaded === 'number') return `${column} <> floor(${column})`;
  // TRY_CAST to BIGINT would round 2.5 and accept 1e3 or 0x10: whole numbers are digits only.
  if (wanted === 'integer' && loaded === 'string') return `${column} IS NOT NULL AND NOT regexp_full_match(trim(${column}), '[+-]?[0-9]+')`;
  if (wanted === 'boolean') return loaded === 'integer' ? `${column} NOT IN (0, 1)` : `${column} IS NOT NULL AND lower(CAST(${column} AS VARCHAR)) NOT IN ('true', 'false')`;
  if (wanted === 'date' && loaded === 'timestamp') return `CAST(${column} AS DATE) <> ${column}`;
  return `${column} IS NOT NULL AND ${typedValue(name, loaded, wanted)} IS NULL`;
}

function literal(value: string | number | boolean, type: ColumnType | undefined): string {
  if (typeof value === 'number' && (type === undefined || NUMERIC.includes(type))) return String(value);
  if (type === 'date' || type === 'timestamp') return `${type === 'date' ? 'DATE' : 'TIMESTAMP'} ${quoteLiteral(String(value))}`;
  return quoteLiteral(String(value));
}

/** A bound or allowed value the column's type cannot compare with: an error at its line. */
function literalProblem(value: string | number | boolean, type: ColumnType): string | undefined {
  if (NUMERIC.includes(type) && typeof value !== 'number') return `${JSON.stringify(value)} is not a number, and the column holds ${type}s`;
  if ((type === 'date' || type === 'timestamp') && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value) || Number.isNaN(Date.parse(value)))) {
    return `${JSON.stringify(value)} is not an ISO ${type === 'date' ? 'date (YYYY-MM-DD)' : 'timestamp (YYYY-MM-DD HH:MM:SS)'}, and the column holds ${type}s`;
  }
  return undefined;
}

/** A rule whose literal cannot apply to the column. */
export interface LiteralMistake {
  readonly at: DocumentPath;
  readonly rule: string;
  readonly problem: string;
}

/**
 * The row checks of one column that the file has, or the first literal that cannot apply to it.
 * Missing means NULL, and also NaN in floating-point columns (as pandas counts it).
 */
export function columnChecks(column: LoadedColumn, rules: ColumnRules, rows: number): RowCheck[] | LiteralMistake {
  const at = (rule: string): DocumentPath => ['columns', column.name, rule];
  const name = quoteIdentifier(column.name);
  const type = rules.type ?? column.type;
  for (const [rule, values] of [['min', [rules.min]], ['max', [rules.max]], ['allowed', rules.allowed ?? []]] as const) {
    for (const [index, item] of values.entries()) {
      const problem = item === undefined ? undefined : literalProblem(item, type);
      if (problem) return { at: rule === 'allowed' ? [...at(rule), index] : at(rule), rule: `${column.name}.${rule}`, problem };
    }
  }
  const value = typedValue(column.name, column.type, rules.type);
  const floating = column.type === 'number';
  const missing = floating ? `(${name} IS NULL OR isnan(${name}))` : `${name} IS NULL`;
  // NaN is missing, not a value above every bound.
  const present = floating ? `NOT isnan(${name}) AND ` : '';
  // Booleans and the rest compare as text, so "allowed: [yes, no]" reads as written.
  const comparable = NUMERIC.includes(type) || type === 'date' || type === 'timestamp' ? value : `CAST(${name} AS VARCHAR)`;
  // A numeric bound on a column without a numeric type compares numbers, not text ("100" < "20").
  const boundSide = (bound: string | number): string => (typeof bound === 'number' && !NUMERIC.includes(type) ? `TRY_CAST(${name} AS DOUBLE)` : comparable);
  const checks: RowCheck[] = [];
  const add = (check: Omit<RowCheck, 'column' | 'shown' | 'allowedFailures'> & { allowedFailures?: number }): void => {
    checks.push({ column: column.name, shown: name, allowedFailures: 0, ...check });
  };
  if (rules.type) {
    const failing = typeFailure(column.name, column.type, rules.type);
    if (failing) add({ rule: 'type', expected: `values of type ${rules.type} (read as ${column.type})`, failing, at: at('type') });
  }
  if (rules.nullable === false) add({ rule: 'nullable', expected: 'no missing values', failing: missing, at: at('nullable') });
  if (rules.max_missing_share !== undefined) {
    add({ rule: 'max_missing_share', expected: `at most ${rules.max_missing_share * 100} % missing`, failing: missing, allowedFailures: Math.floor(rules.max_missing_share * rows + 1e-9), at: at('max_missing_share') });
  }
  if (rules.min !== undefined) add({ rule: 'min', expected: `≥ ${rules.min}`, failing: `${present}${boundSide(rules.min)} < ${literal(rules.min, type)}`, at: at('min') });
  if (rules.max !== undefined) add({ rule: 'max', expected: `≤ ${rules.max}`, failing: `${present}${boundSide(rules.max)} > ${literal(rules.max, type)}`, at: at('max') });
  if (rules.allowed) {
    const list = rules.allowed.map((item) => literal(typeof item === 'boolean' ? String(item) : item, type)).join(', ');
    const shown = rules.allowed.length > 8 ? `${rules.allowed.slice(0, 8).join(', ')}, … (${rules.allowed.length})` : rules.allowed.join(', ');
    add({ rule: 'allowed', expected: `one of ${shown}`, failing: `${present}${comparable} NOT IN (${list})`, at: at('allowed') });
  }
  if (rules.regex) add({ rule: 'regex', expected: `matching /${rules.regex}/`, failing: `NOT regexp_matches(CAST(${name} AS VARCHAR), ${quoteLiteral(rules.regex)})`, at: at('regex') });
  return checks;
}

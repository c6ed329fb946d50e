/**
 * Every column's values grouped and counted, in one query: the number of groups is the exact
 * distinct count, and the largest groups are the top values, ties broken by the values' own
 * order (numbers numerically, dates by time, text by its bytes).
 */
import type { LoadedTable } from '../loaded-table.js';
import type { ProfileType, TopValue } from './column-profile.js';
import type { PlannedColumn } from './column-plan.js';
import { countOf, integerOf, isoText } from './duckdb-values.js';

/** How many of the most frequent values a column lists. */
export const TOP_VALUES = 10;

/** A column whose values to count. */
export interface ValueCountsRequest {
  readonly column: PlannedColumn;
  /** The type the profile reports, which decides how values are grouped and written. */
  readonly type: ProfileType;
}

/** A column's exact distinct count and its most frequent values. */
export interface ValueCounts {
  readonly distinct: number;
  /** Up to {@link TOP_VALUES}, most frequent first. */
  readonly top: readonly TopValue[];
}

/** Text columns of true/false are grouped case-insensitively, so True and true are one value. */
function groupExpression(request: ValueCountsRequest): string {
  return request.type === 'boolean' && request.column.kind === 'string' ? `lower(${request.column.value})` : request.column.value;
}

function countsQuery(position: number, request: ValueCountsRequest, table: LoadedTable): string {
  const value = request.column.value;
  const groups = `SELECT ${groupExpression(request)} AS g, count(*) AS n FROM ${table.sql} WHERE ${value} IS NOT NULL GROUP BY g`;
  // The window counts the groups before LIMIT keeps the largest; a column without values yields no row.
  const top = `SELECT g, n, count(*) OVER () AS distinct_values FROM (${groups}) ORDER BY n DESC, g LIMIT ${TOP_VALUES}`;
  // The union does not keep each branch's order: the rank carries it out.
  return `SELECT ${position} AS position, CAST(g AS VARCHAR) AS value, n, distinct_values, row_number() OVER (ORDER BY n DESC, g) AS rank FROM (${top})`;
}

function typedValue(text: string, type: ProfileType): TopValue['value'] {
  switch (type) {
    case 'integer':
      return integerOf(text);
    case 'number':
      // DuckDB prints infinities as inf/-inf, which Number() does not read.
      return text === 'inf' ? Number.POSITIVE_INFINITY : text === '-inf' ? Number.NEGATIVE_INFINITY : Number(text);
    case 'boolean':
      return text === 'true';
    case 'date':
    case 'timestamp':
      return isoText(text);
    case 'string':
      return text;
  }
}

/** The distinct count and top values of each request, in the requests' order. */
export async function valueCounts(table: LoadedTable, requests: readonly ValueCountsRequest[]): Promise<ValueCounts[]> {
  const found = requests.map(() => ({ distinct: 0, top: [] as TopValue[] }));
  if (requests.length === 0) return found;
  const branches = requests.map((request, position) => countsQuery(position, request, table)).join('\nUNION ALL\n');
  const result = await table.connection.runAndReadAll(`SELECT * FROM (${branches}) ORDER BY position, rank`);
  for (const row of result.getRowObjectsJS()) {
    const counts = found[Number(row.position)]!;
    counts.distinct = countOf(row.distinct_values);
    counts.top.push({ value: typedValue(String(row.value), requests[Number(row.position)]!.type), count: countOf(row.n) });
  }
  return found;
}

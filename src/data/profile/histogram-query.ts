/**
 * Equal-width histograms of every numeric column in one query, binned exactly as numpy's
 * `histogram(values, bins=20)` bins them, so a profile's counts match what people check in a
 * notebook, values on the edges included.
 */
import type { LoadedTable } from '../loaded-table.js';
import type { ProfileHistogram } from './column-profile.js';
import type { PlannedColumn } from './column-plan.js';
import { countOf } from './duckdb-values.js';

/** Bins per histogram: enough to show a distribution's shape in a small chart. */
export const HISTOGRAM_BINS = 20;

/**
 * numpy's edges: `linspace(min, max, bins + 1)`, i.e. `min + k · ((max − min) / bins)` with the
 * last edge exactly `max`. A constant column gets the range min ± 0.5, as in numpy.
 */
export function histogramEdges(min: number, max: number, bins: number = HISTOGRAM_BINS): number[] {
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  const step = (last - first) / bins;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? last : k * step + first));
}

/** A double as SQL that DuckDB parses to the same double (a bare 0.1 would be a DECIMAL). */
function doubleLiteral(value: number): string {
  return `'${value}'::DOUBLE`;
}

/**
 * The bin of `x` as numpy computes it: the index from `(x − first) · bins / (last − first)`,
 * then moved by one where rounding put a value on the wrong side of its edge; the maximum falls
 * in the last bin.
 */
function binQuery(position: number, column: PlannedColumn, edges: readonly number[], table: LoadedTable): string {
  const bins = edges.length - 1;
  const first = edges[0]!;
  const norm = bins / (edges[bins]! - first);
  const list = `([${edges.map((edge) => `'${edge}'`).join(', ')}]::DOUBLE[])`;
  const guess = `SELECT x, least(CAST(floor((x - ${doubleLiteral(first)}) * ${doubleLiteral(norm)}) AS INTEGER), ${bins - 1}) AS i FROM (SELECT CAST(${column.value} AS DOUBLE) AS x FROM ${table.sql} WHERE ${column.value} IS NOT NULL)`;
  // DuckDB lists are 1-based: edges[i + 1] is the bin's lower edge, edges[i + 2] its upper one.
  const bin = `CASE WHEN x < ${list}[i + 1] THEN i - 1 WHEN i < ${bins - 1} AND x >= ${list}[i + 2] THEN i + 1 ELSE i END`;
  return `SELECT ${position} AS position, ${bin} AS bin, count(*) AS n FROM (${guess}) GROUP BY ALL`;
}

/** A numeric column to bin, with the range the summary query found. */
export interface HistogramRequest {
  readonly column: PlannedColumn;
  /** The column's finite minimum and maximum. */
  readonly min: number;
  readonly max: number;
}

/** One histogram per request, in the requests' order. */
export async function histograms(table: LoadedTable, requests: readonly HistogramRequest[]): Promise<ProfileHistogram[]> {
  if (requests.length === 0) return [];
  const edges = requests.map((request) => histogramEdges(request.min, request.max));
  const counts = edges.map((columnEdges) => new Array<number>(columnEdges.length - 1).fill(0));
  const sql = requests.map((request, position) => binQuery(position, request.column, edges[position]!, table)).join('\nUNION ALL\n');
  const result = await table.connection.runAndReadAll(sql);
  for (const row of result.getRowObjectsJS()) counts[Number(row.position)]![Number(row.bin)] = countOf(row.n);
  return edges.map((columnEdges, position) => ({ edges: columnEdges, counts: counts[position]! }));
}

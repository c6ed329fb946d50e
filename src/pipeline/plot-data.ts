/**
 * Plot data: from a plot file's text (CSV, TSV, JSON or YAML) to tables of rows, and from a table
 * to chart series (x from `step` or the first column, y from the other numeric columns, or as the
 * declaration says). The CSV reader is a small RFC 4180 one rather than DuckDB (data/): plots are
 * small, are also read from git at a revision (text in memory, not a file), and the pipeline does
 * not depend on data/.
 */
import { parse } from 'yaml';
import { isRecord } from './params.js';
import type { PlotDrawing } from './stage.js';

/** Rows of one data set in a plot file; `name` is the key it sits under in a JSON/YAML mapping ('' for the whole file). */
export interface PlotTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** One line of a chart. */
export interface PlotSeries {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** One chart of a plot: what `lineChartSvg` draws. */
export interface PlotChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
}

/** The ways a plot file is shown, by its extension: charted (data), embedded (image) or linked as it is (an HTML or Markdown report). */
export type PlotFileType = 'data' | 'image' | 'html';

const TYPES: Readonly<Record<string, { type: PlotFileType; mediaType: string }>> = {
  '.csv': { type: 'data', mediaType: 'text/csv' },
  '.tsv': { type: 'data', mediaType: 'text/tab-separated-values' },
  '.json': { type: 'data', mediaType: 'application/json' },
  '.yaml': { type: 'data', mediaType: 'application/yaml' },
  '.yml': { type: 'data', mediaType: 'application/yaml' },
  '.png': { type: 'image', mediaType: 'image/png' },
  '.jpg': { type: 'image', mediaType: 'image/jpeg' },
  '.jpeg': { type: 'image', mediaType: 'image/jpeg' },
  '.gif': { type: 'image', mediaType: 'image/gif' },
  '.svg': { type: 'image', mediaType: 'image/svg+xml' },
  '.html': { type: 'html', mediaType: 'text/html' },
  '.htm': { type: 'html', mediaType: 'text/html' },
  // Reports the built-in validate and gate stages write (`report:`), linked as HTML ones are.
  '.md': { type: 'html', mediaType: 'text/markdown' },
  '.markdown': { type: 'html', mediaType: 'text/markdown' },
};

/** How a plot file is shown, or undefined for an extension Sluice cannot show. */
export function plotFileType(path: string): { type: PlotFileType; mediaType: string } | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 || dot < path.lastIndexOf('/') ? undefined : TYPES[path.slice(dot).toLowerCase()];
}

/** Parses delimited text (quotes as in RFC 4180) into records of strings. */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
  };
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character !== '"') field += character;
      else if (text[index + 1] === '"') field += text[++index];
      else quoted = false;
    } else if (character === '"' && field === '') quoted = true;
    else if (character === delimiter) endField();
    else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      endRecord();
    } else field += character;
  }
  endRecord();
  return records;
}

function isRecordList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isRecord);
}

function tableOf(name: string, rows: readonly Record<string, unknown>[]): PlotTable {
  return { name, columns: [...new Set(rows.flatMap((row) => Object.keys(row)))], rows };
}

/**
 * The tables in a plot file: a CSV/TSV file is one table (header row first); a JSON/YAML list of
 * objects is one table; a mapping gives one table per key holding a list of objects
 * (`{"roc": [{"fpr": 0, "tpr": 0}, ...]}`). Throws an Error saying why when there is none.
 */
export function parsePlotTables(text: string, path: string): PlotTable[] {
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (extension === '.csv' || extension === '.tsv') {
    const [header, ...records] = parseDelimited(text, extension === '.tsv' ? '\t' : ',');
    if (!header || records.length === 0) throw new Error('it has no rows under a header row');
    return [tableOf('', records.map((record) => Object.fromEntries(header.map((column, index) => [column, record[index] ?? '']))))];
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new Error(`it is not valid ${extension === '.json' ? 'JSON' : 'YAML'} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (isRecordList(value)) return [tableOf('', value)];
  const tables = isRecord(value) ? Object.entries(value).filter(([, entry]) => isRecordList(entry)).map(([key, entry]) => tableOf(key, entry as Record<string, unknown>[])) : [];
  if (tables.length === 0) throw new Error('it holds no list of records (a list of objects, or a mapping of names to such lists)');
  return tables;
}

/** A cell as a number: numbers, and strings that read as one; NaN otherwise. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function isNumericColumn(table: PlotTable, column: string): boolean {
  const cells = table.rows.map((row) => row[column]).filter((cell) => cell !== undefined && cell !== null && cell !== '');
  return cells.length > 0 && cells.every((cell) => Number.isFinite(numberOf(cell)));
}

/**
 * The chart of one table: x is `drawing.x`, else `step` when present, else the first column when
 * numeric, else the row number; y is `drawing.y`, else every other numeric column. Throws an Error
 * saying why when a named column is missing or nothing can be drawn.
 */
export function plotChart(table: PlotTable, drawing: PlotDrawing | undefined, title: string): PlotChart {
  const known = (column: string, role: string) => {
    if (!table.columns.includes(column)) throw new Error(`it has no ${role} column "${column}" (columns: ${table.columns.join(', ')})`);
    if (!isNumericColumn(table, column)) throw new Error(`its ${role} column "${column}" does not hold numbers`);
    return column;
  };
  const first = table.columns[0];
  const xColumn = drawing?.x !== undefined ? known(drawing.x, 'x') : table.columns.includes('step') ? 'step' : first !== undefined && isNumericColumn(table, first) ? first : undefined;
  const yColumns = drawing?.y?.map((column) => known(column, 'y')) ?? table.columns.filter((column) => column !== xColumn && isNumericColumn(table, column));
  if (yColumns.length === 0) throw new Error(`it has no numeric column to plot${xColumn === undefined ? '' : ` besides its x column "${xColumn}"`}`);
  const x = table.rows.map((row, index) => (xColumn === undefined ? index : numberOf(row[xColumn])));
  return {
    title,
    xLabel: xColumn ?? 'row',
    yLabel: yColumns.length === 1 ? yColumns[0]! : 'value',
    series: yColumns.map((column) => ({ name: column, x, y: table.rows.map((row) => numberOf(row[column])) })),
  };
}

/** The charts of a data plot file's text (one per table), titled by the declaration, else by the path (and key). */
export function plotCharts(text: string, path: string, drawing: PlotDrawing | undefined): PlotChart[] {
  return parsePlotTables(text, path).map((table) => {
    const base = drawing?.title ?? path;
    return plotChart(table, drawing, table.name === '' ? base : `${base}: ${table.name}`);
  });
}

/**
 * The data profile where people look: a terminal table with a row per column, and a
 * self-contained HTML page (inline CSS and SVG, no script) with an overview and a card per
 * column holding its figures and a chart of its distribution.
 */
import { formatNumber } from '../core/index.js';
import type { ColumnProfile, DataProfile, ExactInteger, TopValue } from '../data/index.js';
import { escapeXml } from './svg/escape.js';
import { CURRENT_COLOR, histogramSvg } from './svg/histogram.js';

/** The terminal table's header, one cell per {@link profileRows} cell. */
export const PROFILE_HEADERS = ['Column', 'Type', 'Missing', 'Distinct', 'Min', 'Max', 'Mean', 'Top value'] as const;

/** Long text values are cut so one value cannot widen the whole table. */
const MAX_VALUE_LENGTH = 30;

function shortText(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** A number, an integer kept as text beyond 2^53, or ISO text; — for none. */
function valueText(value: ExactInteger | boolean | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

function percent(share: number): string {
  return `${formatNumber(Number((share * 100).toFixed(1)))} %`;
}

/** "3 (1.5 %)", or "0". */
function missingText(column: ColumnProfile): string {
  return column.missing === 0 ? '0' : `${column.missing} (${percent(column.missing_share)})`;
}

function topValueText(top: TopValue | undefined): string {
  return top === undefined ? '' : `${shortText(valueText(top.value))} (${top.count})`;
}

/** Min, max and mean cells; blank where the type has none (text, booleans). */
function rangeCells(column: ColumnProfile): [string, string, string] {
  switch (column.type) {
    case 'integer':
    case 'number':
      return [valueText(column.min), valueText(column.max), valueText(column.mean)];
    case 'date':
    case 'timestamp':
      return [valueText(column.min), valueText(column.max), ''];
    case 'string':
    case 'boolean':
      return ['', '', ''];
  }
}

/** One row per column, in the file's order, under {@link PROFILE_HEADERS}. */
export function profileRows(profile: DataProfile): string[][] {
  return profile.columns.map((column) => [column.name, column.type, missingText(column), String(column.distinct), ...rangeCells(column), topValueText(column.top_values?.[0])]);
}

/** "1000 rows × 12 columns". */
export function profileSummary(profile: DataProfile): string {
  return `${profile.number_of_rows} ${profile.number_of_rows === 1 ? 'row' : 'rows'} × ${profile.number_of_columns} ${profile.number_of_columns === 1 ? 'column' : 'columns'}`;
}

/** The key figures of a column's card, as label and value. */
function figures(column: ColumnProfile): [string, string][] {
  const common: [string, string][] = [
    ['values', String(column.count)],
    ['missing', missingText(column)],
    ['distinct', String(column.distinct)],
  ];
  switch (column.type) {
    case 'integer':
    case 'number': {
      const q = column.quantiles;
      return [
        ...common,
        ['min', valueText(column.min)],
        ['max', valueText(column.max)],
        ['mean', valueText(column.mean)],
        ['std', valueText(column.std)],
        ['5 %', valueText(q?.p05)],
        ['25 %', valueText(q?.p25)],
        ['median', valueText(q?.p50)],
        ['75 %', valueText(q?.p75)],
        ['95 %', valueText(q?.p95)],
        ['zeros', String(column.zeros)],
      ];
    }
    case 'string':
      return [...common, ['shortest', valueText(column.length?.min)], ['longest', valueText(column.length?.max)], ['mean length', valueText(column.length?.mean)]];
    case 'date':
    case 'timestamp':
      return [...common, ['first', valueText(column.min)], ['last', valueText(column.max)]];
    case 'boolean':
      return common;
  }
}

/** The histogram of a number column, otherwise the top values; none for a column without values. */
function chart(column: ColumnProfile): string {
  if ((column.type === 'integer' || column.type === 'number') && column.histogram.counts.length > 0) {
    const { edges, counts } = column.histogram;
    const labels = counts.map((_, k) => `${formatNumber(edges[k])}–${formatNumber(edges[k + 1])}`);
    return histogramSvg({ title: column.name, labels, series: [{ name: `${column.count} values`, counts, color: CURRENT_COLOR }] });
  }
  const top = column.top_values ?? [];
  if (top.length === 0) return '';
  return histogramSvg({
    title: column.name,
    labels: top.map((entry) => shortText(valueText(entry.value))),
    series: [{ name: `top ${top.length} of ${column.distinct}`, counts: top.map((entry) => entry.count), color: CURRENT_COLOR }],
  });
}

function topList(column: ColumnProfile): string {
  if (column.type === 'integer' || column.type === 'number' || !column.top_values || column.top_values.length === 0) return '';
  const items = column.top_values.map((entry) => `<li><span>${escapeXml(shortText(valueText(entry.value)))}</span> <span class="n">${entry.count}</span></li>`);
  return `<ol>${items.join('')}</ol>`;
}

function card(column: ColumnProfile): string {
  const rows = figures(column)
    .map(([label, value]) => `<tr><th>${escapeXml(label)}</th><td class="n">${escapeXml(value)}</td></tr>`)
    .join('');
  return `<section><h2>${escapeXml(column.name)} <small>${column.type}</small></h2>${chart(column)}<table class="figures">${rows}</table>${topList(column)}</section>`;
}

/** A self-contained HTML page: overview, the table of columns, and a card with a chart per column. */
export function renderProfileHtml(profile: DataProfile): string {
  const title = `Data profile: ${profile.path}`;
  const missingCells = profile.columns.reduce((sum, column) => sum + column.missing, 0);
  const cells = profile.number_of_rows * profile.number_of_columns;
  const types = [...new Set(profile.columns.map((column) => column.type))]
    .map((type) => `${profile.columns.filter((column) => column.type === type).length} ${type}`)
    .join(', ');
  const overview: [string, string][] = [
    ['rows', String(profile.number_of_rows)],
    ['columns', `${profile.number_of_columns}${types ? ` (${types})` : ''}`],
    ['missing cells', missingCells === 0 ? '0' : `${missingCells} (${percent(cells === 0 ? 0 : missingCells / cells)})`],
  ];
  const rows = profileRows(profile)
    .map((row) => `<tr>${row.map((cell, k) => `<td${k >= 2 && k <= 6 ? ' class="n"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}.columns{display:flex;flex-wrap:wrap;gap:1rem}section{width:330px;border:1px solid #e5e7eb;padding:.5rem}h2{font-size:1rem;margin:.2rem 0 .5rem}h2 small{color:#6b7280;font-weight:normal}table.figures{margin:.5rem 0;font-size:.85rem}table.figures th{font-weight:normal;color:#374151}ol{font-size:.85rem;padding-left:1.5rem}ol span.n{color:#6b7280}</style>
</head><body>
<h1>${escapeXml(title)}</h1>
<table>${overview.map(([label, value]) => `<tr><th>${escapeXml(label)}</th><td>${escapeXml(value)}</td></tr>`).join('')}</table>
<table><tr>${PROFILE_HEADERS.map((header) => `<th>${escapeXml(header)}</th>`).join('')}</tr>
${rows}
</table>
<div class="columns">
${profile.columns.map(card).join('\n')}
</div>
</body></html>
`;
}

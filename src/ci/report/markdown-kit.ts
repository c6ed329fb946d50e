/**
 * The pieces the pull-request report is built from: tables that stay within a comment's width,
 * collapsible sections, shortened cells and numbers. Cells passed to `table` are Markdown already
 * (escaped with `text` or `code`); everything user-provided goes through one of those.
 */
import { codeSpan, escapeInline } from '../../reports/index.js';

/** A table column: its header and alignment (numbers right). */
export interface TableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** Rows beyond this go into a collapsed "more rows" note, so a comment stays readable. */
export const MAX_TABLE_ROWS = 50;

/** A GFM table; more than `maxRows` rows are cut with a line saying how many were left out. */
export function table(columns: readonly TableColumn[], rows: readonly (readonly string[])[], maxRows = MAX_TABLE_ROWS): string {
  const shown = rows.slice(0, maxRows);
  const lines = [
    `| ${columns.map((column) => escapeInline(column.header)).join(' | ')} |`,
    `|${columns.map((column) => (column.align === 'right' ? '---:' : '---')).join('|')}|`,
    ...shown.map((row) => `| ${columns.map((_, k) => row[k] ?? '').join(' | ')} |`),
  ];
  if (rows.length > shown.length) lines.push('', `_${rows.length - shown.length} more rows not shown (see the --json file)._`);
  return lines.join('\n');
}

/** HTML text inside `<summary>` (raw HTML: Markdown is not read there). */
function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll('\n', ' ');
}

/**
 * A collapsible section. The blank lines around the body are what makes GitHub and GitLab read
 * the body as Markdown; `open` shows it unfolded (the section that explains a block).
 */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>\n\n${body.trim()}\n\n</details>`;
}

/** User text shortened to `limit` characters (ellipsis in the middle keeps a path's file name). */
export function shorten(value: string, limit: number, where: 'end' | 'middle' = 'end'): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (flat.length <= limit) return flat;
  if (where === 'end') return `${flat.slice(0, limit - 1)}…`;
  const head = Math.ceil((limit - 1) / 2);
  return `${flat.slice(0, head)}…${flat.slice(flat.length - (limit - 1 - head))}`;
}

/** User text as plain inline Markdown, shortened to `limit` characters. */
export function text(value: string, limit = 80, where: 'end' | 'middle' = 'end'): string {
  return escapeInline(shorten(value, limit, where));
}

/** User text (a path, a name, a reference) as a code span, shortened in the middle. */
export function code(value: string, limit = 48, inTable = true): string {
  return codeSpan(shorten(value, limit, 'middle'), inTable);
}

/** A hash or run id cut to 12 characters (`blake3:` prefixes kept readable). */
export function shortId(id: string): string {
  const bare = id.replace(/^blake3:/, '');
  return bare.length > 12 ? bare.slice(0, 12) : bare;
}

/** A number in 4 significant digits (a table's cells), `—` when absent. */
export function num(value: number | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A signed number in 4 significant digits: `+0.0123`, `−0.5`. */
export function signed(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${num(Math.abs(value))}`;
}

/** A duration: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `1 stage`, `3 stages`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A fenced code block that no line of `lines` can close early. */
export function codeBlock(lines: readonly string[], language = ''): string {
  const body = lines.join('\n');
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}|~{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${body}\n${fence}`;
}

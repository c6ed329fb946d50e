/** Aligned plain-text tables for humans; machines get `--json`. */

export interface TableOptions {
  /** Columns aligned right (numbers). */
  readonly alignRight?: readonly number[];
}

/** Column widths follow the widest cell; trailing spaces are trimmed. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const right = new Set(options.alignRight ?? []);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Durations as people read them: 850ms, 12.3s, 4m05s. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1_000) return `${Math.round(milliseconds)}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1_000).toFixed(1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const seconds = Math.round((milliseconds % 60_000) / 1_000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** A value as shown in a table cell: strings bare, numbers as JavaScript prints them, the rest as JSON, absence as —. */
export function formatCell(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A signed change: +0.02, −0.5. */
export function formatChange(change: number | undefined): string {
  if (change === undefined) return '—';
  if (change === 0) return '0';
  return change > 0 ? `+${change}` : `-${Math.abs(change)}`;
}

/**
 * The incident note of an alert (the `incident` action writes it to a file or posts it to a
 * webhook): Markdown for the person on call, saying what held and by how much (each check's
 * sentence; for data drift, each drifted column with its statistic, p-value and threshold, the
 * strongest first), since when (the first window of the run of consecutive windows on which the
 * rule has held, up to the alert's), and the first rows of the alert's window as they were served.
 */
import type { WindowRows } from '../log/window-rows.js';
import type { MonitorAlert, MonitorWindow } from '../store/monitor-store.js';

/** Rows of the alert's window a note shows. */
export const SAMPLE_ROWS = 5;

/** A row of a window as it was served: its request, its inputs and the answer. */
export interface SampleRow {
  readonly requestId: string;
  readonly features: Readonly<Record<string, unknown>>;
  readonly prediction: unknown;
}

/** Since when a rule has held: the first window of its current run of windows. */
export interface IncidentSince {
  readonly startedAt: number;
  readonly windowId: string;
  /** Windows in the run, the alert's included. */
  readonly windows: number;
  /** The rule held on the oldest window looked at, and older ones exist: the run may have begun earlier still. */
  readonly atLeast: boolean;
}

/** What a note says beyond the alert itself. */
export interface IncidentContext {
  /** Undefined when the alert's window is no longer among the stored windows looked at. */
  readonly since?: IncidentSince | undefined;
  readonly sample: readonly SampleRow[];
}

/** The first `count` rows of a window; read before its checks take the columns over. */
export function sampleRows(rows: WindowRows, features: readonly string[], count = SAMPLE_ROWS): SampleRow[] {
  return Array.from({ length: Math.min(count, rows.length) }, (_, row) => ({
    requestId: rows.requestId(row),
    features: Object.fromEntries(features.map((name) => [name, rows.cell(row, name)])),
    prediction: rows.prediction(row),
  }));
}

/**
 * From the alert's window back through `windows` (newest first) while the rule `held` on each:
 * the run's first window. `older`: windows older than those given exist (a bounded read), so a run
 * reaching the oldest given may have begun earlier. Undefined when the alert's window is not among them.
 */
export function incidentSince(windows: readonly MonitorWindow[], windowId: string, held: (window: MonitorWindow) => boolean, older: boolean): IncidentSince | undefined {
  const at = windows.findIndex((window) => window.id === windowId);
  if (at < 0) return undefined;
  let first = at;
  while (first + 1 < windows.length && held(windows[first + 1]!)) first++;
  return { startedAt: windows[first]!.startedAt, windowId: windows[first]!.id, windows: first - at + 1, atLeast: older && first + 1 === windows.length };
}

interface DriftColumn {
  readonly method: string;
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly threshold?: number | null;
  readonly drifted: boolean;
}

/** Four significant digits; very small and very large numbers in exponent form. */
function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A drifted column before a less drifted one: smaller p-value, else larger statistic. */
function strongerFirst([, a]: [string, DriftColumn], [, b]: [string, DriftColumn]): number {
  if (a.p_value !== null && b.p_value !== null) return a.p_value - b.p_value;
  return (b.statistic ?? 0) - (a.statistic ?? 0);
}

function cellText(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function answerText(prediction: unknown): string {
  if (prediction !== null && typeof prediction === 'object') return Object.entries(prediction as Record<string, unknown>).map(([name, value]) => `${name}: ${typeof value === 'number' ? formatValue(value) : cellText(value)}`).join(', ');
  return cellText(prediction);
}

function checkSection(check: string, values: Record<string, unknown>): string[] {
  const lines = [`### ${check}`, ''];
  const columns = values.columns as Record<string, DriftColumn> | undefined;
  if (check === 'data_drift' && columns) {
    const drifted = Object.entries(columns).filter(([, column]) => column.drifted).sort(strongerFirst);
    lines.push(`${values.drifted_columns as number} of ${values.number_of_columns as number} columns drifted (share ${formatValue(values.drift_share as number)}).`, '');
    if (drifted.length > 0) {
      lines.push('| column | method | statistic | p-value | threshold |', '|---|---|---|---|---|');
      for (const [name, column] of drifted) lines.push(`| ${name} | ${column.method} | ${formatValue(column.statistic)} | ${formatValue(column.p_value)} | ${formatValue(column.threshold)} |`);
      lines.push('');
    }
  }
  lines.push('```json', JSON.stringify({ ...values, columns: undefined }, null, 2), '```', '');
  return lines;
}

function sinceSection(since: IncidentSince | undefined): string[] {
  if (!since) return ['## Since', '', 'Not known: the window of this alert is no longer among the stored windows.', ''];
  const when = new Date(since.startedAt).toISOString();
  if (since.atLeast) return ['## Since', '', `At least since ${when} (the start of window \`${since.windowId}\`): the rule has held on all ${since.windows} windows read back, and perhaps before them.`, ''];
  const run = since.windows === 1 ? 'this window is the first on which the rule holds' : `the rule has held on ${since.windows} consecutive windows`;
  return ['## Since', '', `Since ${when} (the start of window \`${since.windowId}\`): ${run}.`, ''];
}

function sampleSection(sample: readonly SampleRow[], first: readonly string[]): string[] {
  if (sample.length === 0) return [];
  const names = Object.keys(sample[0]!.features);
  const ordered = [...first.filter((name) => names.includes(name)), ...names.filter((name) => !first.includes(name))];
  const lines = ['## Sample rows', '', `The first ${sample.length} rows of the window, as served${first.length > 0 ? ' (drifted columns first)' : ''}:`, ''];
  lines.push(`| request | ${ordered.join(' | ')} | prediction |`, `|${'---|'.repeat(ordered.length + 2)}`);
  for (const row of sample) lines.push(`| ${cellText(row.requestId)} | ${ordered.map((name) => cellText(row.features[name])).join(' | ')} | ${answerText(row.prediction)} |`);
  lines.push('');
  return lines;
}

/** The incident note of an alert, in Markdown. */
export function incidentNote(alert: MonitorAlert, context: IncidentContext = { sample: [] }): string {
  const lines = [`# ${alert.severity}: ${alert.rule} on ${alert.environment}`, '', `Raised ${new Date(alert.firedAt).toISOString()} on window \`${alert.windowId}\`.`, '', alert.message, ''];
  lines.push(...sinceSection(context.since));
  lines.push('## What held', '');
  for (const [check, values] of Object.entries(alert.details)) lines.push(...checkSection(check, values as Record<string, unknown>));
  const drifted = (alert.details.data_drift as { drifted?: string[] } | undefined)?.drifted ?? [];
  lines.push(...sampleSection(context.sample, drifted));
  return lines.join('\n');
}

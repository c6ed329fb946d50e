/** Monitor windows, alerts and pass reports as text. */
import type { CheckStatus, MonitorAlert, MonitorRunReport, MonitorWindow } from '../../monitoring/index.js';

const MARKS: Readonly<Record<string, string>> = { passed: 'ok', failed: 'FAILED', not_enough_data: 'not judged' };

function time(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Each window: its span, rows and versions, then one line per check. */
export function renderWindows(windows: readonly MonitorWindow[]): string {
  return windows
    .map((window) => {
      const head = `${window.environment}: window ${time(window.startedAt)} – ${time(window.endedAt)}, ${window.rows} rows, version ${window.versions.join(', ') || '?'}\n`;
      return head + window.results.map((result) => `  ${result.check.padEnd(17)} ${(MARKS[result.status] ?? result.status).padEnd(10)} ${result.summary}\n`).join('');
    })
    .join('');
}

export function renderAlerts(alerts: readonly MonitorAlert[]): string {
  return alerts.map((alert) => `${time(alert.firedAt)}  ${alert.message}\n`).join('');
}

/** What one `sluice monitor run` did, per monitor. */
export function renderRunReports(reports: readonly MonitorRunReport[]): string {
  return reports
    .map((report) => {
      const lines = [`${report.environment} (${report.version}, reference ${report.reference}): ${report.windows.length === 0 ? 'no complete window yet' : `${report.windows.length} window${report.windows.length === 1 ? '' : 's'} closed`}\n`];
      // Indented line by line; the text's final newline starts no line to indent.
      if (report.windows.length > 0) lines.push(renderWindows(report.windows).replace(/^(?=.)/gm, '  '));
      for (const { alert } of report.alerts) lines.push(`  ALERT ${alert.message}\n`);
      lines.push(...passNotes(report).map((note) => `  ${note}\n`));
      return lines.join('');
    })
    .join('');
}

/** What a pass did besides closing windows: failed deliveries, actions, log lines it could not read. */
export function passNotes(report: MonitorRunReport): string[] {
  const notes: string[] = [];
  for (const { deliveries, actions } of report.deliveries) {
    for (const delivery of deliveries) if (!delivery.ok) notes.push(`delivery to ${delivery.channel} failed after ${delivery.attempts} attempts: ${delivery.error}`);
    for (const action of actions) notes.push(`${action.ok ? 'action' : 'action FAILED'} ${action.action}: ${action.message}`);
  }
  if (report.rescored.length > 0) notes.push(`${report.rescored.length} earlier window${report.rescored.length === 1 ? '' : 's'} re-scored with labels that arrived since`);
  if (report.undecodable.length > 0) notes.push(`${report.undecodable.length} logged requests could not be read (first: ${report.undecodable[0]!.problem})`);
  if (report.skippedLines > 0) notes.push(`${report.skippedLines} log lines were not prediction records`);
  return notes;
}

/** A pass in one JSON line (`sluice monitor watch --json`): what a server logs of its monitor. */
export interface PassSummary {
  readonly environment: string;
  readonly version: string;
  readonly windows: readonly { readonly id: string; readonly rows: number; readonly startedAt: number; readonly endedAt: number; readonly results: Readonly<Record<string, CheckStatus>> }[];
  readonly rescored: number;
  readonly alerts: readonly MonitorAlert[];
  readonly notes: readonly string[];
}

export function passSummary(report: MonitorRunReport): PassSummary {
  return {
    environment: report.environment,
    version: report.version,
    windows: report.windows.map((window) => ({ id: window.id, rows: window.rows, startedAt: window.startedAt, endedAt: window.endedAt, results: Object.fromEntries(window.results.map((result) => [result.check, result.status])) })),
    rescored: report.rescored.length,
    alerts: report.alerts.map(({ alert }) => alert),
    notes: passNotes(report),
  };
}

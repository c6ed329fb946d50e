/**
 * The monitor report of `sluice monitor report`: a self-contained HTML page (inline CSS and SVG,
 * nothing loaded from the network, no script) with a monitor's series over time, the alerts raised
 * on its windows and the latest window's checks; and the same tables in Markdown for a pull
 * request or an incident. Every text from the store (column names, messages, summaries) is escaped.
 */
import { formatNumber } from '../core/index.js';
import type { MonitorAlert, MonitorReport } from '../monitoring/index.js';
import { htmlTable } from './html.js';
import { escapeCell } from './markdown.js';
import { formatTime, monitorCharts } from './monitor-charts.js';
import { escapeXml } from './svg/escape.js';

export const ALERT_HEADERS = ['Time (UTC)', 'Rule', 'Severity', 'Message'] as const;
export const CHECK_HEADERS = ['Check', 'Status', 'Summary'] as const;
const STATUS: Readonly<Record<string, string>> = { passed: 'ok', failed: 'FAILED', not_enough_data: 'not judged' };

function alertRows(alerts: readonly MonitorAlert[]): string[][] {
  return alerts.map((alert) => [formatTime(alert.firedAt), alert.rule, alert.severity, alert.message]);
}

function latestCheckRows(report: MonitorReport): string[][] {
  const latest = report.timeline.windows.at(-1);
  return latest ? latest.results.map((result) => [result.check, STATUS[result.status] ?? result.status, result.summary]) : [];
}

/** "12 windows from … to …, 6 000 rows, versions 3, 4; 2 alerts." */
export function monitorReportSummary(report: MonitorReport): string {
  const { windows } = report.timeline;
  if (windows.length === 0) return `The monitor of ${report.environment} has closed no window${report.query.since === undefined ? '' : ` since ${formatTime(report.query.since)}`} yet.`;
  const rows = windows.reduce((sum, window) => sum + window.rows, 0);
  const versions = [...new Set(windows.flatMap((window) => window.versions))];
  const span = `${formatTime(windows[0]!.startedAt)} to ${formatTime(windows.at(-1)!.endedAt)}`;
  return `${windows.length} window${windows.length === 1 ? '' : 's'} from ${span}, ${rows} rows, version${versions.length === 1 ? '' : 's'} ${versions.join(', ') || '?'}; ${report.alerts.length} alert${report.alerts.length === 1 ? '' : 's'}.`;
}

/** The latest window's headline numbers, as cards. */
function headline(report: MonitorReport): string {
  const { timeline } = report;
  const last = timeline.windows.length - 1;
  if (last < 0) return '';
  const cards: [string, string, boolean][] = [];
  if (timeline.dataDrift) cards.push(['drifted share', formatNumber(timeline.dataDrift.share[last] ?? undefined), timeline.dataDrift.datasetDrift[last]!]);
  if (timeline.performance) {
    const { value, low, high, metric, labels } = timeline.performance;
    const interval = low[last] === null ? '' : ` [${formatNumber(low[last]!)}, ${formatNumber(high[last]!)}]`;
    const failed = timeline.windows[last]!.results.some((result) => result.check === 'performance' && result.status === 'failed');
    cards.push([`${metric} (${labels[last] ?? 0} labels)`, `${formatNumber(value[last] ?? undefined)}${interval}`, failed]);
  }
  if (timeline.predictionDrift) cards.push(['prediction drift', formatNumber(timeline.predictionDrift.value[last] ?? undefined), timeline.windows[last]!.results.some((result) => result.check === 'prediction_drift' && result.status === 'failed')]);
  if (timeline.slo) cards.push(['p99 latency (ms)', formatNumber(timeline.slo.p99Ms[last] ?? undefined), timeline.windows[last]!.results.some((result) => result.check === 'slo' && result.status === 'failed')]);
  cards.push(['rows', String(timeline.rows[last]), false]);
  return `<div class="cards">${cards.map(([label, value, bad]) => `<div class="card${bad ? ' bad' : ''}"><small>${escapeXml(label)}</small><b>${escapeXml(value)}</b></div>`).join('')}</div>`;
}

const STYLE = [
  'body{font-family:sans-serif;margin:2rem;color:#111;max-width:1240px}',
  'table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}',
  'tr.critical td{background:#fef2f2}tr.warning td{background:#fffbeb}tr.failed td{background:#fef2f2}',
  '.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0}.charts svg{max-width:100%;height:auto}',
  '.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}.card{border:1px solid #ddd;border-radius:6px;padding:.5rem .9rem;min-width:9rem}.card small{display:block;color:#555}.card b{font-size:1.3rem}.card.bad{border-color:#fca5a5;background:#fef2f2}',
  '.muted{color:#555}',
].join('');

export function renderMonitorHtml(report: MonitorReport): string {
  const title = `Monitor of ${report.environment}`;
  const charts = monitorCharts(report);
  const latest = report.timeline.windows.at(-1);
  const sections = [
    `<h1>${escapeXml(title)}</h1>`,
    `<p><b>${escapeXml(monitorReportSummary(report))}</b> <span class="muted">Generated ${escapeXml(formatTime(report.generatedAt))}; times in UTC; x is the end of each window.</span></p>`,
    headline(report),
  ];
  if (charts.length > 0) sections.push(`<div class="charts">\n${charts.map((chart) => `<figure id="${escapeXml(chart.id)}">${chart.svg}</figure>`).join('\n')}\n</div>`);
  sections.push('<h2>Alerts</h2>', report.alerts.length === 0 ? '<p>No alert was raised on these windows.</p>' : htmlTable(ALERT_HEADERS, alertRows(report.alerts), new Set(), (row) => row[2]));
  if (latest) {
    sections.push(`<h2>Latest window: ${escapeXml(formatTime(latest.startedAt))} to ${escapeXml(formatTime(latest.endedAt))}, ${latest.rows} rows</h2>`);
    sections.push(htmlTable(CHECK_HEADERS, latestCheckRows(report), new Set(), (row) => (row[1] === 'FAILED' ? 'failed' : undefined)));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head><body>
${sections.join('\n')}
</body></html>
`;
}

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)];
}

/** One row per window with the numbers the charts show. */
function windowRows(report: MonitorReport): { headers: string[]; rows: string[][] } {
  const { timeline } = report;
  const headers = ['Window end (UTC)', 'Rows'];
  if (timeline.dataDrift) headers.push('Drifted share', 'Dataset drift');
  if (timeline.performance) headers.push(`${timeline.performance.metric} [95 % interval]`, 'Labels');
  if (timeline.predictionDrift) headers.push('Prediction drift');
  if (timeline.slo) headers.push('p99 ms', 'Error rate');
  const number = (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatNumber(value));
  const rows = timeline.windows.map((window, k) => {
    const row = [formatTime(window.endedAt), String(window.rows)];
    if (timeline.dataDrift) row.push(number(timeline.dataDrift.share[k]), timeline.dataDrift.share[k] === null ? '—' : timeline.dataDrift.datasetDrift[k] ? 'yes' : 'no');
    if (timeline.performance) {
      const { value, low, high, labels } = timeline.performance;
      row.push(value[k] === null ? '—' : `${number(value[k])}${low[k] === null ? '' : ` [${number(low[k])}, ${number(high[k])}]`}`, number(labels[k]));
    }
    if (timeline.predictionDrift) row.push(number(timeline.predictionDrift.value[k]));
    if (timeline.slo) row.push(number(timeline.slo.p99Ms[k]), number(timeline.slo.errorRate[k]));
    return row;
  });
  return { headers, rows: rows.reverse() };
}

/** The report's tables in Markdown, newest window first. */
export function renderMonitorMarkdown(report: MonitorReport): string {
  const lines = [`## Monitor of ${escapeCell(report.environment)}`, '', escapeCell(monitorReportSummary(report))];
  if (report.timeline.windows.length > 0) {
    const { headers, rows } = windowRows(report);
    lines.push('', '### Windows', '', ...markdownTable(headers, rows));
  }
  lines.push('', '### Alerts', '', ...(report.alerts.length === 0 ? ['No alert was raised on these windows.'] : markdownTable(ALERT_HEADERS, alertRows(report.alerts))));
  const latest = latestCheckRows(report);
  if (latest.length > 0) lines.push('', '### Latest window', '', ...markdownTable(CHECK_HEADERS, latest));
  return `${lines.join('\n')}\n`;
}

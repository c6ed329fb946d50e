/**
 * The monitor report, rendered from windows stored in a real SQLite monitor store: what people
 * look for is on the page (column names, the alerts' rows, the latest checks), each series is a
 * line in its chart with its threshold, drifted windows and cells are marked, live accuracy has
 * its interval, every chart is well-formed SVG, nothing is loaded from elsewhere, and text from
 * the store is escaped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORE_BACKENDS, type OpenedStore } from '../../test/support/stores.js';
import { allElements, parseXml, svgFragments, type XmlElement } from '../../test/support/xml.js';
import { buildMonitorReport, openMonitorStore, parseMonitors, type CheckResult, type MonitorAlert, type MonitorReport, type MonitorStore } from '../monitoring/index.js';
import { renderMonitorHtml, renderMonitorMarkdown } from './index.js';

const HOSTILE = 'x <b> & "c" </svg><script>alert(1)</script>';
const START = Date.UTC(2026, 11, 1, 8, 0, 0);
const MINUTE = 60_000;

const CONFIG = `deploy:
  production: {model: bc, port: 8080}
monitor:
  production:
    window: {every: 10m, min_rows: 100}
    checks:
      data_drift: {method: ks, drift_share: 0.5}
      prediction_drift: {method: psi, threshold: 0.2}
      performance: {metric: accuracy, min: 0.9, min_labels: 50}
      data_quality: {max_missing_share: 0.05}
    alerts:
      - {name: drift, when: data_drift.dataset_drift}
`;
const monitor = parseMonitors(CONFIG).monitors.get('production')!;

/** Window k's results: mean_radius drifts from window 2 on, the hostile column in window 3; accuracy falls. */
function results(k: number): CheckResult[] {
  const column = (drifted: boolean, p: number) => ({ method: 'ks', statistic: drifted ? 0.4 : 0.05, p_value: p, threshold: 0.05, drifted });
  const columns: Record<string, unknown> = { mean_radius: column(k >= 2, k >= 2 ? 1e-6 : 0.6), mean_texture: column(false, 0.3), [HOSTILE]: column(k === 3, k === 3 ? 0.001 : 0.9) };
  const drifted = Object.entries(columns).filter(([, value]) => (value as { drifted: boolean }).drifted).map(([name]) => name);
  const accuracy = [0.97, 0.95, 0.9, 0.81][k]!;
  return [
    { check: 'data_drift', status: drifted.length >= 2 ? 'failed' : 'passed', summary: `${drifted.length} of 3 columns drifted`, values: { judged: true, dataset_drift: drifted.length >= 2, drift_share: drifted.length / 3, drifted_columns: drifted.length, number_of_columns: 3, drifted, columns } },
    { check: 'performance', status: accuracy < 0.9 ? 'failed' : 'passed', summary: `accuracy ${accuracy} over 100 labelled rows (min 0.9)`, values: { judged: true, metric: 'accuracy', value: accuracy, accuracy, labels: 100, unusable_labels: 0, rows: 500 } },
    { check: 'prediction_drift', status: 'passed', summary: 'psi', values: { judged: true, method: 'psi', value: 0.05 * (k + 1), drifted: false, threshold: 0.2 } },
    { check: 'data_quality', status: 'passed', summary: 'within bounds', values: { judged: true, missing_share: 0.01 * k, out_of_schema_share: 0, unknown_category_share: 0 } },
    { check: 'slo', status: k === 3 ? 'failed' : 'passed', summary: 'p99', values: { judged: true, p99_ms: 20 + 10 * k, error_rate: 0.001 * k } },
  ];
}

function alertOn(k: number, message: string): MonitorAlert {
  return { id: `a${k}`, environment: 'production', rule: 'drift', severity: k === 3 ? 'critical' : 'warning', windowId: `w${k}`, firedAt: START + (k + 1) * 10 * MINUTE + 5000, message, details: {} };
}

/** Four 10-minute windows of 500 rows, alerts on the last two. */
async function storeWindows(store: MonitorStore): Promise<void> {
  for (let k = 0; k < 4; k++) {
    const alerts = k === 2 ? [alertOn(2, 'warning: drift on production: mean_radius | drifted')] : k === 3 ? [alertOn(3, HOSTILE)] : [];
    const window = { id: `w${k}`, environment: 'production', startedAt: START + k * 10 * MINUTE, endedAt: START + (k + 1) * 10 * MINUTE, rows: 500, versions: ['3'], closedAt: START + (k + 1) * 10 * MINUTE + 5000, results: results(k) };
    assert.equal(await store.closeWindow(window, { position: { 'p.jsonl': (k + 1) * 100 }, from: k === 0 ? {} : { 'p.jsonl': k * 100 }, alertStates: {}, alerts }), true);
  }
}

const byName = (root: XmlElement, name: string) => allElements(root).filter((element) => element.name === name);
const texts = (root: XmlElement) => byName(root, 'text').map((element) => element.text);
const chart = (html: string, label: string) => parseXml(svgFragments(html).find((svg) => svg.includes(`aria-label="${label}"`))!);

describe('the monitor report', { timeout: 60_000 }, () => {
  let opened: OpenedStore;
  let report: MonitorReport;
  let html: string;
  before(async () => {
    opened = await STORE_BACKENDS.sqlite();
    const store = openMonitorStore(opened.store.connection);
    await storeWindows(store);
    report = await buildMonitorReport(store, monitor, {}, START + 3 * 3_600_000);
    html = renderMonitorHtml(report);
  });
  after(async () => opened?.dispose());

  test('is one self-contained page: inline CSS and SVG, no script, nothing fetched', () => {
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<style>/);
    assert.doesNotMatch(html, /<script|<link|\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /4 windows from 2026-12-01 08:00Z to 2026-12-01 08:40Z, 2000 rows, version 3; 2 alerts\./);
  });

  test('every chart is well-formed SVG, and each series is a polyline with a point per window', () => {
    const charts = svgFragments(html);
    for (const label of ['Drifted share of columns', 'Live accuracy (95 % interval)', 'Prediction drift (psi)', 'Data quality', 'p99 latency', 'Error rate', 'Rows per window']) {
      assert.ok(charts.some((svg) => svg.includes(`aria-label="${label}"`)), label);
    }
    for (const svg of charts) parseXml(svg);
    const quality = chart(html, 'Data quality');
    const lines = byName(quality, 'polyline');
    assert.equal(lines.length, 3, 'missing, out of schema, unknown categories');
    for (const line of lines) assert.equal(line.attributes.points!.split(' ').length, 4);
    assert.deepEqual(texts(quality).filter((text) => text.endsWith('_share')), ['missing_share', 'out_of_schema_share', 'unknown_category_share']);
  });

  test('the drifted share has its threshold line, and the windows with dataset drift are ringed', () => {
    const share = chart(html, 'Drifted share of columns');
    assert.equal(byName(share, 'line').filter((line) => line.attributes.class === 'rule').length, 1);
    assert.ok(texts(share).includes('dataset drift at 0.5'));
    assert.equal(byName(share, 'circle').filter((circle) => circle.attributes.class === 'flag').length, 1, 'the last window: two of three columns drifted');
  });

  test('drift by column: a row per column, drifted cells flagged with their scores as tooltips', () => {
    const heatmap = chart(html, 'Drift by column (score relative to its threshold; 1 = threshold)');
    assert.deepEqual(texts(heatmap).slice(1, 4), ['mean_radius', HOSTILE, 'mean_texture'], 'the most often drifted first; names escaped and intact');
    const cells = byName(heatmap, 'rect').filter((rect) => rect.attributes.class?.startsWith('cell'));
    assert.equal(cells.length, 12);
    const flagged = cells.filter((rect) => rect.attributes.class === 'cell flagged');
    assert.equal(flagged.length, 3);
    assert.match(flagged[0]!.children[0]!.text, /^mean_radius, window ending 2026-12-01 08:30Z: ks p 0\.000001 \(drift if ≤ 0\.05\): drift$/);
  });

  test('live accuracy has its Wilson interval as a band and the min line', () => {
    const accuracy = chart(html, 'Live accuracy (95 % interval)');
    assert.equal(byName(accuracy, 'polygon').filter((polygon) => polygon.attributes.class === 'band').length, 1);
    assert.ok(texts(accuracy).includes('min 0.9'));
    assert.ok(Math.abs(report.timeline.performance!.low[3]! - 0.7222115462093562) < 1e-9, '81 of 100, as SciPy computes it');
    const tips = byName(accuracy, 'circle').map((circle) => circle.children[0]?.text);
    assert.ok(tips.includes('accuracy 0.81 [0.722212, 0.874852] over 100 labels'));
  });

  test('the alerts table lists each alert with time, rule, severity and message, escaped', () => {
    assert.match(html, /<tr class="critical"><td>2026-12-01 08:40:05Z<\/td><td>drift<\/td><td>critical<\/td><td>x &lt;b&gt; &amp; &quot;c&quot; &lt;\/svg&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td><\/tr>/);
    assert.match(html, /<tr class="warning"><td>2026-12-01 08:30:05Z<\/td><td>drift<\/td><td>warning<\/td><td>warning: drift on production: mean_radius \| drifted<\/td><\/tr>/);
  });

  test("the latest window's checks are listed, the failed ones marked", () => {
    assert.match(html, /<h2>Latest window: 2026-12-01 08:30Z to 2026-12-01 08:40Z, 500 rows<\/h2>/);
    assert.match(html, /<tr class="failed"><td>performance<\/td><td>FAILED<\/td><td>accuracy 0\.81 over 100 labelled rows \(min 0\.9\)<\/td><\/tr>/);
    assert.match(html, /<tr><td>prediction_drift<\/td><td>ok<\/td>/);
  });

  test('Markdown has a row per window (newest first) and the alerts, pipes escaped', () => {
    const markdown = renderMonitorMarkdown(report);
    assert.match(markdown, /^## Monitor of production\n/);
    assert.match(markdown, /\| Window end \(UTC\) \| Rows \| Drifted share \| Dataset drift \| accuracy \[95 % interval\] \| Labels \| Prediction drift \| p99 ms \| Error rate \|/);
    assert.match(markdown, /\| 2026-12-01 08:40Z \| 500 \| 0\.666667 \| yes \| 0\.81 \[0\.722212, 0\.874852\] \| 100 \| 0\.2 \| 50 \| 0\.003 \|\n\| 2026-12-01 08:30Z/);
    assert.match(markdown, /mean_radius \\\| drifted/);
    assert.doesNotMatch(markdown, /<script/);
  });

  test('--since: only the windows that ended since then, and only their alerts', async () => {
    const store = openMonitorStore(opened.store.connection);
    const recent = await buildMonitorReport(store, monitor, { since: START + 35 * MINUTE }, START + 3_600_000);
    assert.deepEqual(recent.timeline.windows.map((window) => window.id), ['w3']);
    assert.deepEqual(recent.alerts.map((alert) => alert.id), ['a3']);
    const newest = await buildMonitorReport(store, monitor, { limit: 2 }, START + 3_600_000);
    assert.deepEqual(newest.timeline.windows.map((window) => window.id), ['w2', 'w3'], 'the newest two, oldest first');
  });

  test('a monitor with no window yet says so and draws nothing', async () => {
    const store = openMonitorStore(opened.store.connection);
    const empty = await buildMonitorReport(store, { ...monitor, environment: 'staging' }, {}, START);
    const page = renderMonitorHtml(empty);
    assert.match(page, /The monitor of staging has closed no window yet\./);
    assert.equal(svgFragments(page).length, 0);
    assert.match(page, /No alert was raised on these windows\./);
  });
});

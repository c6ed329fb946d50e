/**
 * The monitor gauges read the latest closed window from the store at each scrape: drift share,
 * each column's score, live performance with its labelled rows, data quality, alert counts; the
 * rule file and dashboard name only series the gauges serve.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import { findMonitor, parseMonitors } from '../config/load-monitors.js';
import { openMonitorStore } from '../store/open.js';
import type { MonitorWindow } from '../store/monitor-store.js';
import { grafanaDashboard } from './grafana-dashboard.js';
import { createMonitorGauges } from './monitor-gauges.js';
import { prometheusRuleFile } from './prometheus-rules.js';

const WINDOW: MonitorWindow = {
  id: 'w1',
  environment: 'production',
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_060_000,
  rows: 500,
  versions: ['2'],
  closedAt: 1_700_000_061_000,
  results: [
    {
      check: 'data_drift',
      status: 'failed',
      summary: 'dataset drift',
      values: { judged: true, dataset_drift: true, drift_share: 0.1, columns: { mean_radius: { method: 'ks', statistic: 0.4, p_value: 1e-9, drifted: true }, mean_area: { method: 'ks', statistic: 0.05, p_value: 0.6, drifted: false } } },
    },
    { check: 'performance', status: 'failed', summary: 'accuracy 0.77', values: { judged: true, metric: 'accuracy', value: 0.766, accuracy: 0.766, labels: 171 } },
    { check: 'data_quality', status: 'passed', summary: 'ok', values: { judged: true, missing_share: 0.001, out_of_schema_share: 0, unknown_category_share: 0 } },
  ],
};

const YAML = `deploy:
  production: {model: bc, port: 8080}
monitor:
  production:
    window: {every: 500 predictions}
    reference: data/train.csv
    checks:
      data_drift: {drift_share: 0.1}
      performance: {metric: accuracy, min: 0.9}
      data_quality: {max_missing_share: 0.05}
    alerts:
      - {name: accuracy-drop, when: performance.accuracy < 0.9, severity: critical}
`;

describe('monitor gauges', () => {
  let opened: OpenedStore;
  before(async () => {
    opened = await STORE_BACKENDS.sqlite();
  });
  after(async () => opened.dispose());

  test('a scrape shows the latest window: drift share, column scores, performance, labels, quality and alert counts', async () => {
    const store = openMonitorStore(opened.store.connection);
    const gauges = createMonitorGauges(store, ['production']);
    assert.doesNotMatch(await gauges.metrics(), /sluice_monitor_drift_share\{/, 'no window yet: no value');
    await store.closeWindow(WINDOW, {
      position: { 'predictions-a.jsonl': 100 },
      from: {},
      alertStates: {},
      alerts: [{ id: 'a1', environment: 'production', rule: 'accuracy-drop', severity: 'critical', windowId: 'w1', firedAt: WINDOW.closedAt, message: 'critical: accuracy-drop', details: {} }],
    });
    const text = await gauges.metrics();
    assert.match(text, /^sluice_monitor_drift_share\{environment="production"\} 0\.1$/m);
    assert.match(text, /^sluice_monitor_dataset_drift\{environment="production"\} 1$/m);
    assert.match(text, /^sluice_monitor_column_drift_score\{environment="production",column="mean_radius",method="ks"\} 1e-9$/m);
    assert.match(text, /^sluice_monitor_column_drifted\{environment="production",column="mean_area"\} 0$/m);
    assert.match(text, /^sluice_monitor_performance\{environment="production",metric="accuracy"\} 0\.766$/m);
    assert.match(text, /^sluice_monitor_labelled_rows\{environment="production"\} 171$/m);
    assert.match(text, /^sluice_monitor_data_quality_share\{environment="production",kind="missing"\} 0\.001$/m);
    assert.match(text, /^sluice_monitor_window_rows\{environment="production"\} 500$/m);
    assert.match(text, /^sluice_monitor_last_window_timestamp_seconds\{environment="production"\} 1700000060$/m);
    assert.match(text, /^sluice_monitor_alerts\{environment="production",rule="accuracy-drop",severity="critical"\} 1$/m);
  });

  test('the rule file and the dashboard query only series the gauges serve', () => {
    const monitor = findMonitor(parseMonitors(YAML), 'production');
    const rules = prometheusRuleFile([monitor]);
    assert.match(rules, /alert: SluiceMonitorPerformance\n\s+expr: sluice_monitor_performance\{environment="production",metric="accuracy"\} < 0\.9/);
    assert.match(rules, /severity: critical/);
    const served = new Set(['sluice_monitor_window_rows', 'sluice_monitor_last_window_timestamp_seconds', 'sluice_monitor_check_judged', 'sluice_monitor_check_failed', 'sluice_monitor_dataset_drift', 'sluice_monitor_drift_share', 'sluice_monitor_column_drift_score', 'sluice_monitor_column_drifted', 'sluice_monitor_prediction_drift', 'sluice_monitor_performance', 'sluice_monitor_labelled_rows', 'sluice_monitor_data_quality_share', 'sluice_monitor_alerts']);
    const dashboard = JSON.stringify(grafanaDashboard(['production']));
    for (const name of [...rules.matchAll(/sluice_monitor_\w+/g), ...dashboard.matchAll(/sluice_monitor_\w+/g)].map((match) => match[0])) assert.ok(served.has(name), name);
  });
});

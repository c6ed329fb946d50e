/**
 * An environment's monitor as Prometheus gauges, read from the monitor store at scrape time (the
 * latest closed window of each monitored environment), so they are right whichever process closed
 * the window: the server's monitor, `sluice monitor watch`, a cron `monitor run`. Served on the
 * /metrics of `sluice serve --env` beside the serving series; the rules and dashboard that
 * `sluice monitor rules` writes query these names.
 */
import { Gauge, Registry } from 'prom-client';
import type { CheckResult } from '../checks/check-result.js';
import type { MonitorStore, MonitorWindow } from '../store/monitor-store.js';

/** Alerts counted per scrape at most (the newest): the counter is for rates, not an archive. */
const ALERT_COUNT_LIMIT = 10_000;

export interface MonitorGauges {
  readonly registry: Registry;
  /** The series in Prometheus' text format, read from the store now. */
  metrics(): Promise<string>;
}

type Values = Readonly<Record<string, unknown>>;

function valuesOf(window: MonitorWindow, check: CheckResult['check']): Values | undefined {
  const result = window.results.find((each) => each.check === check);
  return result && result.values.judged !== false ? result.values : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function createMonitorGauges(store: MonitorStore, environments: readonly string[]): MonitorGauges {
  const registry = new Registry();
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames: labelNames as L[], registers });
  const g = {
    windowRows: gauge('sluice_monitor_window_rows', 'Rows in the latest closed monitor window.', ['environment']),
    windowEnd: gauge('sluice_monitor_last_window_timestamp_seconds', 'End of the latest closed monitor window (Unix time).', ['environment']),
    judged: gauge('sluice_monitor_check_judged', 'Whether the latest window had enough rows or labels for the check (1) or not (0).', ['environment', 'check']),
    failed: gauge('sluice_monitor_check_failed', 'Whether the check failed on the latest window (1) or not (0).', ['environment', 'check']),
    datasetDrift: gauge('sluice_monitor_dataset_drift', 'Dataset drift on the latest window (1) or not (0).', ['environment']),
    driftShare: gauge('sluice_monitor_drift_share', 'Share of columns drifted in the latest window.', ['environment']),
    columnScore: gauge('sluice_monitor_column_drift_score', "A column's drift statistic (p-value for tests, distance otherwise) in the latest window.", ['environment', 'column', 'method']),
    columnDrifted: gauge('sluice_monitor_column_drifted', 'Whether the column drifted in the latest window (1) or not (0).', ['environment', 'column']),
    predictionDrift: gauge('sluice_monitor_prediction_drift', "Distance between the latest window's answers and the reference's.", ['environment', 'method']),
    performance: gauge('sluice_monitor_performance', 'The performance metric on the labelled rows of the latest judged window.', ['environment', 'metric']),
    labelled: gauge('sluice_monitor_labelled_rows', 'Rows with feedback labels in the latest window.', ['environment']),
    quality: gauge('sluice_monitor_data_quality_share', 'Shares of missing, out-of-schema and unknown-category cells in the latest window.', ['environment', 'kind']),
    alerts: gauge('sluice_monitor_alerts', 'Alerts raised by the monitor, by rule and severity (a count that only grows).', ['environment', 'rule', 'severity']),
  };

  const collectOne = async (environment: string): Promise<void> => {
    const [window] = await store.windows(environment, { limit: 1 });
    if (window) {
      g.windowRows.set({ environment }, window.rows);
      g.windowEnd.set({ environment }, window.endedAt / 1000);
      for (const result of window.results) {
        g.judged.set({ environment, check: result.check }, result.status === 'not_enough_data' ? 0 : 1);
        g.failed.set({ environment, check: result.check }, result.status === 'failed' ? 1 : 0);
      }
      const drift = valuesOf(window, 'data_drift');
      if (drift) {
        g.datasetDrift.set({ environment }, numberOf(drift.dataset_drift) ?? 0);
        g.driftShare.set({ environment }, numberOf(drift.drift_share) ?? 0);
        for (const [column, entry] of Object.entries((drift.columns ?? {}) as Record<string, { method: string; statistic: number | null; p_value: number | null; drifted: boolean }>)) {
          const score = entry.p_value ?? entry.statistic;
          if (score !== null && Number.isFinite(score)) g.columnScore.set({ environment, column, method: entry.method }, score);
          g.columnDrifted.set({ environment, column }, entry.drifted ? 1 : 0);
        }
      }
      const prediction = valuesOf(window, 'prediction_drift');
      const distance = numberOf(prediction?.value);
      if (prediction && distance !== undefined) g.predictionDrift.set({ environment, method: String(prediction.method ?? 'psi') }, distance);
      const performance = valuesOf(window, 'performance');
      const value = numberOf(performance?.value);
      if (performance && value !== undefined) g.performance.set({ environment, metric: String(performance.metric) }, value);
      const labels = numberOf(window.results.find((each) => each.check === 'performance')?.values.labels);
      if (labels !== undefined) g.labelled.set({ environment }, labels);
      const quality = valuesOf(window, 'data_quality');
      for (const kind of ['missing_share', 'out_of_schema_share', 'unknown_category_share']) {
        const share = numberOf(quality?.[kind]);
        if (share !== undefined) g.quality.set({ environment, kind: kind.replace(/_share$/, '') }, share);
      }
    }
    const counts = new Map<string, { rule: string; severity: string; count: number }>();
    for (const alert of await store.alerts(environment, { limit: ALERT_COUNT_LIMIT })) {
      const key = `${alert.rule}\0${alert.severity}`;
      const entry = counts.get(key) ?? { rule: alert.rule, severity: alert.severity, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    for (const { rule, severity, count } of counts.values()) g.alerts.set({ environment, rule, severity }, count);
  };

  return {
    registry,
    async metrics() {
      // Series of a window that is no longer the latest (a column dropped) must not linger.
      registry.resetMetrics();
      for (const environment of environments) await collectOne(environment);
      return registry.metrics();
    },
  };
}

/**
 * A monitor's stored windows as time series, one per quantity a report charts: the drifted share
 * and each column's drift score, live performance with its 95 % interval, prediction drift,
 * data-quality shares, rows, and the `slo` check's p99 latency and error rate. Pure: windows and
 * the monitor's checks in, series out (x = each window's end), so that any renderer (the HTML and
 * Markdown reports) reads the stored values' shapes in one place. A window whose check was not
 * run or not judged has `null` there.
 */
import { wilsonInterval } from '../../evaluation/index.js';
import type { CheckName, CheckResult } from '../checks/check-result.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import type { MonitorWindow } from '../store/monitor-store.js';

/** One column's drift in one window, scaled so that 1 is the drift threshold. */
export interface ColumnDriftScore {
  /** statistic / threshold for a distance; log(p) / log(threshold) for a test (≥ 1: drifted). */
  readonly score: number;
  readonly drifted: boolean;
  readonly method: string;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly threshold: number;
}

export interface DataDriftSeries {
  readonly share: readonly (number | null)[];
  readonly datasetDrift: readonly boolean[];
  /** The drifted share at which the data set counts as drifted. */
  readonly shareThreshold: number | undefined;
  /** Every column any window compared, in first-seen order. */
  readonly columns: readonly string[];
  readonly scores: Readonly<Record<string, readonly (ColumnDriftScore | null)[]>>;
}

export interface PerformanceSeries {
  readonly metric: string;
  readonly value: readonly (number | null)[];
  /** The 95 % interval (stored by the check, or Wilson's for a proportion such as accuracy). */
  readonly low: readonly (number | null)[];
  readonly high: readonly (number | null)[];
  readonly labels: readonly (number | null)[];
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface MonitorTimeline {
  /** The windows, oldest first; every series has one entry per window. */
  readonly windows: readonly MonitorWindow[];
  readonly endedAt: readonly number[];
  readonly rows: readonly number[];
  readonly dataDrift: DataDriftSeries | undefined;
  readonly performance: PerformanceSeries | undefined;
  readonly predictionDrift: { readonly method: string | undefined; readonly value: readonly (number | null)[]; readonly threshold: number | undefined } | undefined;
  readonly dataQuality: { readonly shares: Readonly<Record<'missing_share' | 'out_of_schema_share' | 'unknown_category_share', readonly (number | null)[]>>; readonly limits: Readonly<Record<string, number | undefined>> } | undefined;
  readonly slo: { readonly p99Ms: readonly (number | null)[]; readonly errorRate: readonly (number | null)[]; readonly p99Limit: number | undefined; readonly errorRateLimit: number | undefined } | undefined;
}

/** Metrics that are a share of the labelled rows (micro averages equal accuracy for one label per row). */
const PROPORTIONS: ReadonlySet<string> = new Set(['accuracy', 'precision_micro', 'recall_micro', 'f1_micro']);
const QUALITY_SHARES = ['missing_share', 'out_of_schema_share', 'unknown_category_share'] as const;

function judged(window: MonitorWindow, check: CheckName): CheckResult | undefined {
  const result = window.results.find((each) => each.check === check);
  return result && result.status !== 'not_enough_data' && result.values.judged !== false ? result : undefined;
}

function numberAt(values: Readonly<Record<string, unknown>> | undefined, key: string): number | null {
  const value = values?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function has(windows: readonly MonitorWindow[], check: CheckName, configured: boolean): boolean {
  return configured || windows.some((window) => window.results.some((result) => result.check === check));
}

/** Drift relative to its threshold: ≥ 1 is drifted, whichever the method (a p-value test or a distance). */
export function driftScore(column: { statistic: number | null; p_value: number | null; threshold: number }): number {
  if (column.p_value !== null) {
    if (column.p_value <= 0) return Number.POSITIVE_INFINITY;
    return column.threshold > 0 && column.threshold < 1 ? Math.log(column.p_value) / Math.log(column.threshold) : 0;
  }
  return column.statistic !== null && column.threshold > 0 ? column.statistic / column.threshold : 0;
}

function dataDriftSeries(windows: readonly MonitorWindow[], spec: MonitorChecks['data_drift']): DataDriftSeries {
  const results = windows.map((window) => judged(window, 'data_drift'));
  const columns: string[] = [];
  for (const result of results) for (const name of Object.keys((result?.values.columns as object | undefined) ?? {})) if (!columns.includes(name)) columns.push(name);
  const scores = Object.fromEntries(
    columns.map((name) => [
      name,
      results.map((result): ColumnDriftScore | null => {
        const column = (result?.values.columns as Record<string, { method: string; statistic: number | null; p_value: number | null; threshold: number; drifted: boolean }> | undefined)?.[name];
        if (!column) return null;
        return { score: driftScore(column), drifted: column.drifted, method: column.method, statistic: column.statistic, pValue: column.p_value, threshold: column.threshold };
      }),
    ]),
  );
  return {
    share: results.map((result) => numberAt(result?.values, 'drift_share')),
    datasetDrift: results.map((result) => result?.values.dataset_drift === true),
    shareThreshold: spec?.drift_share,
    columns,
    scores,
  };
}

function storedInterval(values: Readonly<Record<string, unknown>>): readonly [number, number] | undefined {
  const interval = values.interval ?? values.ci;
  return Array.isArray(interval) && interval.length === 2 && interval.every((bound) => typeof bound === 'number') ? [interval[0] as number, interval[1] as number] : undefined;
}

function performanceSeries(windows: readonly MonitorWindow[], spec: MonitorChecks['performance']): PerformanceSeries {
  const results = windows.map((window) => judged(window, 'performance'));
  const metric = spec?.metric ?? (results.find((result) => typeof result?.values.metric === 'string')?.values.metric as string | undefined) ?? 'value';
  const intervals = results.map((result) => {
    if (!result) return undefined;
    const stored = storedInterval(result.values);
    if (stored) return stored;
    const value = numberAt(result.values, 'value');
    const labels = numberAt(result.values, 'labels');
    return PROPORTIONS.has(String(result.values.metric ?? metric)) && value !== null && labels !== null ? wilsonInterval(value, labels) : undefined;
  });
  return {
    metric,
    value: results.map((result) => numberAt(result?.values, 'value')),
    low: intervals.map((interval) => interval?.[0] ?? null),
    high: intervals.map((interval) => interval?.[1] ?? null),
    labels: results.map((result) => numberAt(result?.values, 'labels')),
    min: spec?.min,
    max: spec?.max,
  };
}

/** The windows (any order) as series, oldest first; `checks` are the monitor's (for thresholds and which checks to show). */
export function monitorTimeline(windows: readonly MonitorWindow[], checks: MonitorChecks = {}): MonitorTimeline {
  const ordered = [...windows].sort((a, b) => a.endedAt - b.endedAt || a.closedAt - b.closedAt);
  const series = (check: CheckName, key: string) => ordered.map((window) => numberAt(judged(window, check)?.values, key));
  const predictionThreshold = checks.prediction_drift?.threshold ?? ordered.map((window) => numberAt(judged(window, 'prediction_drift')?.values, 'threshold')).find((value) => value !== null) ?? undefined;
  return {
    windows: ordered,
    endedAt: ordered.map((window) => window.endedAt),
    rows: ordered.map((window) => window.rows),
    dataDrift: has(ordered, 'data_drift', checks.data_drift !== undefined) ? dataDriftSeries(ordered, checks.data_drift) : undefined,
    performance: has(ordered, 'performance', checks.performance !== undefined) ? performanceSeries(ordered, checks.performance) : undefined,
    predictionDrift: has(ordered, 'prediction_drift', checks.prediction_drift !== undefined)
      ? { method: checks.prediction_drift?.method, value: series('prediction_drift', 'value'), threshold: predictionThreshold }
      : undefined,
    dataQuality: has(ordered, 'data_quality', checks.data_quality !== undefined)
      ? {
          shares: Object.fromEntries(QUALITY_SHARES.map((key) => [key, series('data_quality', key)])) as Record<(typeof QUALITY_SHARES)[number], (number | null)[]>,
          limits: { missing_share: checks.data_quality?.max_missing_share, out_of_schema_share: checks.data_quality?.max_out_of_schema_share, unknown_category_share: checks.data_quality?.max_unknown_category_share },
        }
      : undefined,
    slo: has(ordered, 'slo', checks.slo !== undefined) ? { p99Ms: series('slo', 'p99_ms'), errorRate: series('slo', 'error_rate'), p99Limit: checks.slo?.p99_ms, errorRateLimit: checks.slo?.error_rate } : undefined,
  };
}

/**
 * What `sluice monitor report` shows of one monitor: its windows in a time range as series, the
 * alerts raised on those windows, and the monitor's configuration for thresholds. Read from the
 * monitor store; rendering is the reports module's.
 */
import type { Monitor } from '../config/load-monitors.js';
import type { MonitorAlert, MonitorStore } from '../store/monitor-store.js';
import { monitorTimeline, type MonitorTimeline } from './monitor-timeline.js';

export interface MonitorReportQuery {
  /** The newest this many windows (default 100). */
  readonly limit?: number;
  /** Only windows that ended at or after this time (ms since the epoch). */
  readonly since?: number;
}

export interface MonitorReport {
  readonly environment: string;
  readonly generatedAt: number;
  readonly timeline: MonitorTimeline;
  /** The alerts raised on the report's windows, newest first. */
  readonly alerts: readonly MonitorAlert[];
  readonly query: MonitorReportQuery;
}

/** Most alerts read for a report; far more than any chart shows. */
const ALERT_LIMIT = 10_000;

export async function buildMonitorReport(store: MonitorStore, monitor: Monitor, query: MonitorReportQuery, now: number): Promise<MonitorReport> {
  const windows = await store.windows(monitor.environment, { limit: query.limit ?? 100, since: query.since });
  const ids = new Set(windows.map((window) => window.id));
  const alerts = windows.length === 0 ? [] : (await store.alerts(monitor.environment, { limit: ALERT_LIMIT })).filter((alert) => ids.has(alert.windowId));
  return { environment: monitor.environment, generatedAt: now, timeline: monitorTimeline(windows, monitor.checks), alerts, query };
}

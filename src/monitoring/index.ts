/**
 * @module monitoring
 * Watching deployed environments: the `monitor:` section of sluice.yaml, windows over the
 * prediction log, checks (data drift, prediction drift, live performance on feedback labels, data
 * quality), alert rules with de-duplication and cool-down, delivery to webhooks, Slack and e-mail,
 * and the monitor store (positions, windows, results, alerts).
 */
export { CHECK_NAMES, findMonitor, loadMonitors, parseMonitors, type AlertRule, type Monitor, type MonitorConfig } from './config/load-monitors.js';
export type { AlertAction, MonitorChecks, MonitorSpec, NotifyChannel, WindowEvery } from './config/monitor-schema.js';
export type { CheckName, CheckResult, CheckStatus } from './checks/check-result.js';
export { deliverAlert, webhookBody, type Delivery, type DeliveryOptions } from './alerts/notify.js';
export { runActions, type ActionContext, type ActionOutcome } from './alerts/actions.js';
export { incidentNote, type IncidentContext, type IncidentSince, type SampleRow } from './alerts/incident-note.js';
export { decideAlert, type AlertDecision, type AlertState } from './alerts/alert-decision.js';
export { runMonitorPass, type MonitorPass, type MonitorPassInput } from './run-monitor.js';
export { createMonitorService, type MonitorPassFailure, type MonitorPasses, type MonitorRunReport, type MonitorService, type MonitorServiceOptions } from './monitor-service.js';
export { openMonitorStore } from './store/open.js';
export { checkCron, scheduleMonitors, type MonitorSchedule } from './schedule.js';
export { IN_SERVER_PASS_INTERVAL_MS, startMonitorLoop, type MonitorLoop, type MonitorLoopOptions } from './monitor-loop.js';
export { replayData, type ReplayOptions, type ReplayReport } from './replay.js';
export type { MonitorAlert, MonitorStore, MonitorWindow, WindowOutcome } from './store/monitor-store.js';
export { readPredictionLog, type LoggedPrediction, type LogPosition, type LogRead } from './log/read-prediction-log.js';
export { loggedRows, type LoggedRow, type ServedSignature } from './log/logged-rows.js';
export { actionNotAvailable, invalidAlertCondition, invalidCron, monitorEnvironmentNotFound, monitorNotFound, noChecks, noMonitorsDeclared, nothingServed, referenceNotFound, unknownMonitorMetric } from './errors.js';
export { driftScore, monitorTimeline, type ColumnDriftScore, type DataDriftSeries, type MonitorTimeline, type PerformanceSeries } from './report/monitor-timeline.js';
export { buildMonitorReport, type MonitorReport, type MonitorReportQuery } from './report/monitor-report-data.js';
export { createMonitorGauges, type MonitorGauges } from './metrics/monitor-gauges.js';
export { monitorRules, prometheusRuleFile, type PrometheusRule } from './metrics/prometheus-rules.js';
export { grafanaDashboard } from './metrics/grafana-dashboard.js';

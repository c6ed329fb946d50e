/**
 * One pass of a monitor over its environment's prediction log: read what is new since the last
 * closed window, close every complete window, run the monitor's checks on each, evaluate its
 * alert rules, and store each window with the log position after it (one transaction), so that
 * a pass killed half-way loses nothing and judges nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { Table } from '../data/index.js';
import type { CheckResult } from './checks/check-result.js';
import { dataDriftCheck } from './checks/data-drift-check.js';
import { dataQualityCheck } from './checks/data-quality-check.js';
import { performanceCheck } from './checks/performance-check.js';
import { predictionDriftCheck } from './checks/prediction-drift-check.js';
import { windowTable } from './checks/window-table.js';
import type { AlertRule, Monitor } from './config/load-monitors.js';
import { loggedRows, type LoggedRow, type ServedSignature } from './log/logged-rows.js';
import { readFeedback } from './log/read-feedback.js';
import { readPredictionLog } from './log/read-prediction-log.js';
import { decideAlert, INITIAL_ALERT_STATE, type AlertState } from './alerts/alert-decision.js';
import type { MonitorAlert, MonitorStore, MonitorWindow } from './store/monitor-store.js';
import { planWindows, type PlannedWindow } from './window/plan-windows.js';

export interface MonitorPassInput {
  readonly monitor: Monitor;
  /** The environment's prediction-log directory. */
  readonly logDir: string;
  readonly signature: ServedSignature;
  /** The reference data (the served version's training data, or the monitor's file). */
  readonly reference: Table;
  /** The model's answers on the reference, one value per row (for prediction_drift). */
  readonly referencePredictions?: Float64Array | undefined;
  readonly store: MonitorStore;
  readonly now?: () => number;
}

export interface MonitorPass {
  readonly windows: readonly MonitorWindow[];
  /** Alerts raised (stored with their windows), to be delivered to the rules' channels. */
  readonly alerts: readonly { readonly alert: MonitorAlert; readonly rule: AlertRule }[];
  /** Log lines that were not prediction records, and records whose inputs could not be read. */
  readonly skippedLines: number;
  readonly undecodable: readonly { readonly requestId: string; readonly problem: string }[];
}

export async function runMonitorPass(input: MonitorPassInput): Promise<MonitorPass> {
  const now = input.now ?? Date.now;
  const position = await input.store.position(input.monitor.environment);
  const read = readPredictionLog(input.logDir, position);
  const planned = planWindows(read.predictions, position, input.monitor.window.every, now());
  const labels = planned.length > 0 && input.monitor.checks.performance ? readFeedback(input.logDir) : new Map<string, readonly unknown[]>();
  const windows: MonitorWindow[] = [];
  const alerts: { alert: MonitorAlert; rule: AlertRule }[] = [];
  const states: Record<string, AlertState> = await input.store.alertStates(input.monitor.environment);
  const undecodable: { requestId: string; problem: string }[] = [];
  for (const window of planned) {
    const rows = decode(window, input.signature, undecodable);
    const results = runChecks(input, rows, labels);
    const closed: MonitorWindow = {
      id: randomUUID(),
      environment: input.monitor.environment,
      startedAt: window.startedAt,
      endedAt: window.endedAt,
      rows: rows.length,
      versions: [...new Set(window.predictions.map((prediction) => prediction.version))],
      closedAt: now(),
      results,
    };
    const context = Object.fromEntries(results.map((result) => [result.check, result.values]));
    const raised: { alert: MonitorAlert; rule: AlertRule }[] = [];
    for (const rule of input.monitor.alerts) {
      const { decision, state } = decideAlert(states[rule.name] ?? INITIAL_ALERT_STATE, holds(rule, context), closed.closedAt, rule.cooldown);
      states[rule.name] = state;
      if (decision === 'fire' || decision === 'repeat') raised.push({ rule, alert: alertFor(rule, closed, results, decision === 'repeat') });
    }
    await input.store.closeWindow(closed, { position: window.position, alertStates: { ...states }, alerts: raised.map((each) => each.alert) });
    windows.push(closed);
    alerts.push(...raised);
  }
  return { windows, alerts, skippedLines: read.skipped, undecodable };
}

/** The alert a rule raises on a window: what held, in a sentence, and the results it saw. */
function alertFor(rule: AlertRule, window: MonitorWindow, results: readonly CheckResult[], repeated: boolean): MonitorAlert {
  const named = results.filter((result) => rule.when.includes(result.check));
  const message = `${rule.severity}: ${rule.name} on ${window.environment} (${rule.when})${repeated ? ', still holding' : ''}: ${named.map((result) => result.summary).join('; ')}`;
  return {
    id: randomUUID(),
    environment: window.environment,
    rule: rule.name,
    severity: rule.severity,
    windowId: window.id,
    firedAt: window.closedAt,
    message,
    details: Object.fromEntries(named.map((result) => [result.check, result.values])),
  };
}

function decode(window: PlannedWindow, signature: ServedSignature, undecodable: { requestId: string; problem: string }[]): LoggedRow[] {
  const rows: LoggedRow[] = [];
  for (const prediction of window.predictions) {
    const decoded = loggedRows(prediction, signature);
    if (decoded.ok) rows.push(...decoded.rows);
    else undecodable.push({ requestId: prediction.request_id, problem: decoded.problem });
  }
  return rows;
}

function runChecks(input: MonitorPassInput, rows: readonly LoggedRow[], labels: ReadonlyMap<string, readonly unknown[]>): CheckResult[] {
  const { checks, window } = input.monitor;
  const results: CheckResult[] = [];
  const table = checks.data_drift || checks.data_quality ? windowTable(rows, input.signature.features, input.reference, `window of ${input.monitor.environment}`) : undefined;
  if (checks.data_drift && table) results.push(dataDriftCheck(checks.data_drift, input.reference, table, window.min_rows));
  if (checks.data_quality && table) results.push(dataQualityCheck(checks.data_quality, input.reference, table, window.min_rows));
  if (checks.prediction_drift && input.referencePredictions) results.push(predictionDriftCheck(checks.prediction_drift, input.referencePredictions, rows, input.signature.classes, window.min_rows));
  if (checks.performance) results.push(performanceCheck(checks.performance, rows, labels, input.signature.classes));
  return results;
}

/** A rule holds when its condition is true; a condition over a check that was not judged is false. */
function holds(rule: AlertRule, context: Readonly<Record<string, unknown>>): boolean {
  try {
    return rule.condition.evaluateWith(context);
  } catch {
    // e.g. `performance.accuracy < 0.9` while performance had too few labels: nothing to alert on.
    return false;
  }
}

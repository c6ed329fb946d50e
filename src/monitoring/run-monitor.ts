/**
 * One pass of a monitor over its environment's prediction log: read what is new since the last
 * closed window, close every complete window, run the monitor's checks on each, evaluate its
 * alert rules, and store each window with the log position after it (one transaction), so that
 * a pass killed half-way loses nothing and judges nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { alertFor, decode, holds, runChecks, type JudgeInput, type RaisedAlert } from './judge-window.js';
import { sampleRows } from './alerts/incident-note.js';
import { readFeedback } from './log/read-feedback.js';
import { readDecodedLogInParallel } from './log/parallel-decode.js';
import { decideAlert, INITIAL_ALERT_STATE, type AlertState } from './alerts/alert-decision.js';
import type { MonitorStore, MonitorWindow } from './store/monitor-store.js';
import type { LogRecords } from './log/log-records.js';
import { mayCloseWindow, planWindows } from './window/plan-windows.js';
import type { DecodedLogTail } from './log/decoded-log-tail.js';
import { feedbackMarkOf, readsLabels, rescoreLateLabels } from './rescore-windows.js';

export interface MonitorPassInput extends JudgeInput {
  /** The environment's prediction-log directory. */
  readonly logDir: string;
  readonly store: MonitorStore;
  readonly now?: () => number;
  /** A long-lived monitor's (in the server, on a schedule) place in the log, kept between passes. */
  readonly tail?: DecodedLogTail | undefined;
}

export interface MonitorPass {
  readonly windows: readonly MonitorWindow[];
  /** Alerts raised (stored with their windows), to be delivered to the rules' channels. */
  readonly alerts: readonly RaisedAlert[];
  /** Log lines that were not prediction records, and records whose inputs could not be read. */
  readonly skippedLines: number;
  /** Windows closed earlier whose label checks changed with labels that arrived since. */
  readonly rescored: readonly MonitorWindow[];
  readonly undecodable: readonly { readonly requestId: string; readonly problem: string }[];
}

export async function runMonitorPass(input: MonitorPassInput): Promise<MonitorPass> {
  const now = input.now ?? Date.now;
  const position = await input.store.position(input.monitor.environment);
  // A long-lived monitor decodes only what was logged since its last pass.
  const read = input.tail ? await input.tail.read(position) : await readDecodedLogInParallel(input.logDir, input.signature, position);
  const at = now();
  const planned = mayCloseWindow(read.records, input.monitor.window.every, at) ? planWindows(read.records, position, input.monitor.window.every, at) : [];
  const withLabels = planned.length > 0 && readsLabels(input.monitor.checks);
  // Taken before the labels are read: a label logged in between changes it, and re-scores next pass.
  const markBefore = withLabels ? feedbackMarkOf(input.logDir) : undefined;
  // Read when a check first needs them (while the other thread sorts the window's columns).
  let labelsRead: ReadonlyMap<string, readonly unknown[]> | undefined;
  const labels = (): ReadonlyMap<string, readonly unknown[]> => (labelsRead ??= withLabels ? readFeedback(input.logDir) : new Map());
  const windows: MonitorWindow[] = [];
  const alerts: RaisedAlert[] = [];
  const states: Record<string, AlertState> = await input.store.alertStates(input.monitor.environment);
  const undecodable: { requestId: string; problem: string }[] = [];
  let from = position;
  let superseded = false;
  for (const window of planned) {
    const rows = decode(window, read.arena, undecodable);
    // Before the checks: drift takes the columns over (and may sort them in place).
    const sample = sampleRows(rows, input.signature.features);
    const results = await runChecks(input, rows, labels, window.records);
    const closed: MonitorWindow = {
      id: randomUUID(),
      environment: input.monitor.environment,
      startedAt: window.startedAt,
      endedAt: window.endedAt,
      rows: rows.length,
      versions: answeredVersions(window.records),
      closedAt: now(),
      results,
    };
    const context = Object.fromEntries(results.map((result) => [result.check, result.values]));
    const raised: RaisedAlert[] = [];
    for (const rule of input.monitor.alerts) {
      const { decision, state } = decideAlert(states[rule.name] ?? INITIAL_ALERT_STATE, holds(rule, context), closed.closedAt, rule.cooldown);
      states[rule.name] = state;
      if (decision === 'fire' || decision === 'repeat') raised.push({ rule, alert: alertFor(rule, closed, results, decision === 'repeat'), sample });
    }
    // Another process (a server's monitor and a cron `monitor run`) closed it first: it judges the rest.
    if (!(await input.store.closeWindow(closed, { position: window.position, from, alertStates: { ...states }, alerts: raised.map((each) => each.alert) }))) {
      superseded = true;
      break;
    }
    from = window.position;
    windows.push(closed);
    alerts.push(...raised);
  }
  const late = superseded ? { windows: [], alerts: [] } : await rescoreLateLabels(input, states, undecodable, { ids: new Set(windows.map((window) => window.id)), markBefore });
  alerts.push(...late.alerts);
  return { windows, alerts, skippedLines: read.skipped, rescored: late.windows, undecodable };
}

/** The versions that answered a window's requests, in order of first answer (one walk: a window may hold a million). */
function answeredVersions(records: LogRecords): string[] {
  const versions = new Set<string>();
  for (let index = 0; index < records.length; index++) if (records.error(index) === undefined) versions.add(records.version(index));
  return [...versions];
}

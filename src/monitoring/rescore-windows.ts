/**
 * Labels that arrive after their window closed: ground truth often comes hours or days after
 * the prediction (a loan defaults, a customer churns). When the environment's feedback files
 * change, the label checks of the windows closed within `window.rescore_within` that were not
 * fully labelled are run again over exactly their rows (the log span stored with each window),
 * their results replaced, and the alert rules over those checks evaluated again, so an accuracy
 * drop is caught when its labels come in, not only if they came before the window closed.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Monitor } from './config/load-monitors.js';
import type { CheckName, CheckResult } from './checks/check-result.js';
import { decideAlert, INITIAL_ALERT_STATE, type AlertState } from './alerts/alert-decision.js';
import { readFeedback } from './log/read-feedback.js';
import { readDecodedLog } from './log/decode-log.js';
import { alertFor, decode, holds, runChecks, type JudgeInput, type RaisedAlert } from './judge-window.js';
import { sampleRows } from './alerts/incident-note.js';
import type { MonitorStore, MonitorWindow } from './store/monitor-store.js';

/** Checks that read feedback labels. */
const LABEL_CHECKS: ReadonlySet<CheckName> = new Set<CheckName>(['performance', 'concept_drift']);

/** Windows looked at per re-scoring at most (the newest): bounds the work a burst of feedback causes. */
export const RESCORE_WINDOW_LIMIT = 200;

/** The feedback files' names and sizes: changes when a label is logged. */
export function feedbackMarkOf(dir: string): string {
  try {
    return readdirSync(dir)
      .filter((name) => /^feedback-.*\.jsonl$/.test(name))
      .sort()
      .map((name) => `${name}:${statSync(join(dir, name)).size}`)
      .join(',');
  } catch {
    return '';
  }
}

export interface RescoreInput extends JudgeInput {
  readonly logDir: string;
  readonly store: MonitorStore;
  readonly now?: () => number;
}

export interface LateLabels {
  readonly windows: MonitorWindow[];
  readonly alerts: RaisedAlert[];
}

/** Whether the monitor runs a check that reads feedback labels. */
export function readsLabels(checks: Monitor['checks']): boolean {
  return Object.keys(checks).some((check) => LABEL_CHECKS.has(check as CheckName));
}

/** Windows the pass has just closed, judged with the labels of `markBefore` (taken before it read them). */
export interface ClosedThisPass {
  readonly ids: ReadonlySet<string>;
  readonly markBefore?: string | undefined;
}

/**
 * Re-scores what new feedback changes; `states` are the rules' states, updated in place. Windows
 * this pass closed were judged with the labels it read a moment ago, so they are not judged again;
 * the feedback mark stored is then the one taken before those labels were read, so a label that
 * arrived in between re-scores them next time.
 */
export async function rescoreLateLabels(input: RescoreInput, states: Record<string, AlertState>, undecodable: { requestId: string; problem: string }[], closed: ClosedThisPass = { ids: new Set() }): Promise<LateLabels> {
  const { monitor, store } = input;
  const none: LateLabels = { windows: [], alerts: [] };
  if (!readsLabels(monitor.checks)) return none;
  const mark = feedbackMarkOf(input.logDir);
  if (mark === '' || mark === (await store.feedbackMark(monitor.environment))) return none;
  const now = (input.now ?? Date.now)();
  const candidates = (await store.windowsWithSpans(monitor.environment, { closedSince: now - monitor.window.rescore_within, limit: RESCORE_WINDOW_LIMIT })).filter(({ window }) => !closed.ids.has(window.id));
  const late: LateLabels = { windows: [], alerts: [] };
  // Only the label checks run again: the others' results stand.
  const labelChecks = Object.fromEntries(Object.entries(monitor.checks).filter(([check]) => LABEL_CHECKS.has(check as CheckName)));
  const judge: JudgeInput = { ...input, monitor: { ...monitor, checks: labelChecks } };
  const unlabelled = candidates.filter(({ window }) => !fullyLabelled(window));
  const labels = unlabelled.length > 0 ? readFeedback(input.logDir) : new Map<string, readonly unknown[]>();
  for (const { window, span } of unlabelled.reverse()) {
    const read = readDecodedLog(input.logDir, input.signature, span.from, span.to);
    const answered: number[] = [];
    for (let index = 0; index < read.records.length; index++) if (!read.records.isShadow(index)) answered.push(index);
    const rows = decode({ records: read.records.pick(answered), startedAt: window.startedAt, endedAt: window.endedAt, position: span.to }, read.arena, undecodable);
    const sample = sampleRows(rows, input.signature.features);
    const fresh = (await runChecks(judge, rows, labels)).filter((result) => LABEL_CHECKS.has(result.check));
    const before = window.results.filter((result) => LABEL_CHECKS.has(result.check));
    if (JSON.stringify(fresh) === JSON.stringify(before)) continue;
    const results: CheckResult[] = [...window.results.filter((result) => !LABEL_CHECKS.has(result.check)), ...fresh];
    const rescored: MonitorWindow = { ...window, results, rescoredAt: now };
    late.windows.push(rescored);
    const context = Object.fromEntries(results.map((result) => [result.check, result.values]));
    for (const rule of monitor.alerts) {
      if (![...LABEL_CHECKS].some((check) => rule.when.includes(check))) continue;
      const { decision, state } = decideAlert(states[rule.name] ?? INITIAL_ALERT_STATE, holds(rule, context), now, rule.cooldown);
      states[rule.name] = state;
      if (decision === 'fire' || decision === 'repeat') late.alerts.push({ rule, alert: alertFor(rule, { ...rescored, closedAt: now }, results, decision === 'repeat'), sample });
    }
  }
  const feedbackMark = closed.ids.size > 0 && closed.markBefore !== undefined ? closed.markBefore : mark;
  await store.rescore(monitor.environment, { windows: late.windows, alertStates: { ...states }, alerts: late.alerts.map((each) => each.alert), feedbackMark });
  return late;
}

/** Every row of the window had a label when it was last scored: nothing later can change it (a correction aside). */
function fullyLabelled(window: MonitorWindow): boolean {
  const labelled = window.results.find((result) => LABEL_CHECKS.has(result.check) && result.values.labels !== undefined);
  return labelled !== undefined && labelled.values.labels === window.rows;
}

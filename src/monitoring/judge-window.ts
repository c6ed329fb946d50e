/**
 * Judging a window's rows, shared by closing a window and re-scoring it with late labels: decoding
 * the logged requests to rows, running the monitor's checks, and the alert a rule raises.
 */
import { randomUUID } from 'node:crypto';
import { startPresort, type Table } from '../data/index.js';
import type { SampleRow } from './alerts/incident-note.js';
import type { CheckResult } from './checks/check-result.js';
import { dataDriftCheck } from './checks/data-drift-check.js';
import { dataQualityCheck } from './checks/data-quality-check.js';
import { performanceCheck } from './checks/performance-check.js';
import { sloCheck } from './checks/slo-check.js';
import { LogRecords } from './log/log-records.js';
import { conceptDriftCheck, registeredPerformance } from './checks/concept-drift-check.js';
import { predictionDriftCheck } from './checks/prediction-drift-check.js';
import { windowTable } from './checks/window-table.js';
import type { AlertRule, Monitor } from './config/load-monitors.js';
import type { ServedSignature } from './log/logged-rows.js';
import { windowRowsOf } from './log/decode-log.js';
import type { RowArena } from './log/row-arena.js';
import type { WindowRows } from './log/window-rows.js';
import type { MonitorAlert, MonitorWindow } from './store/monitor-store.js';
import type { PlannedWindow } from './window/plan-windows.js';

/** What judging needs: the monitor, the served signature, the reference and the model's answers on it. */
export interface JudgeInput {
  readonly monitor: Monitor;
  readonly signature: ServedSignature;
  readonly reference: Table;
  readonly referencePredictions?: Float64Array | undefined;
  /** The metrics recorded for the served version (its lineage's), for concept_drift. */
  readonly registeredMetrics?: Readonly<Record<string, number>> | undefined;
}

/** An alert a pass raised, with its rule and the first rows of its window (for an incident note). */
export interface RaisedAlert {
  readonly alert: MonitorAlert;
  readonly rule: AlertRule;
  readonly sample: readonly SampleRow[];
}

/** The alert a rule raises on a window: what held, in a sentence, and the results it saw. */
export function alertFor(rule: AlertRule, window: MonitorWindow, results: readonly CheckResult[], repeated: boolean): MonitorAlert {
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

/** A window's rows, from the arena its log was decoded into (see readDecodedLog); undecodable records are reported. */
export function decode(window: PlannedWindow, arena: RowArena, undecodable: { requestId: string; problem: string }[]): WindowRows {
  return windowRowsOf(window.records, arena, undecodable);
}

/** The checks of a window: over its rows, its labels, and (slo) its requests, answered and failed. */
export async function runChecks(input: JudgeInput, rows: WindowRows, labels: WindowLabels, requests: LogRecords = new LogRecords(0)): Promise<CheckResult[]> {
  const { checks, window } = input.monitor;
  const table = checks.data_drift || checks.data_quality ? windowTable(rows, input.signature.features, input.reference, `window of ${input.monitor.environment}`) : undefined;
  // Sorting the columns is most of a large window's drift check. The other thread starts on it
  // now, while this one judges what reads no feature column (answers, labels, requests), then
  // joins in. The reference is kept for the next pass, so nothing of it travels to that thread.
  const sorting = checks.data_drift && table && table.rowCount >= window.min_rows ? startPresort(input.reference, table, { columns: checks.data_drift.columns, exclude: checks.data_drift.exclude }, { transfer: false }) : undefined;
  let predictionDrift: CheckResult | undefined;
  let performance: CheckResult | undefined;
  let slo: CheckResult | undefined;
  let conceptDrift: CheckResult | undefined;
  try {
    if (checks.prediction_drift && input.referencePredictions) predictionDrift = predictionDriftCheck(checks.prediction_drift, input.referencePredictions, rows, input.signature.classes, window.min_rows);
    if (checks.performance) performance = performanceCheck(checks.performance, rows, labelsOf(labels), input.signature.classes);
    if (checks.slo) slo = sloCheck(checks.slo, requests, window.min_rows);
    if (checks.concept_drift) {
      const spec = checks.concept_drift;
      conceptDrift = conceptDriftCheck(spec, rows, labelsOf(labels), input.signature.classes, registeredPerformance(spec.metric, spec.baseline, input.registeredMetrics));
    }
  } catch (error) {
    // Never leave the other thread sorting columns this pass may read next; the check's error is
    // the one to report, not the sort's.
    await sorting?.finish().catch(() => undefined);
    throw error;
  }
  await sorting?.finish();
  const results: CheckResult[] = [];
  if (checks.data_drift && table) results.push(dataDriftCheck(checks.data_drift, input.reference, table, window.min_rows));
  if (checks.data_quality && table) results.push(dataQualityCheck(checks.data_quality, input.reference, table, window.min_rows));
  for (const result of [predictionDrift, performance, slo, conceptDrift]) if (result) results.push(result);
  return results;
}

/** A window's feedback labels by request id, or how to read them (once, when a check first needs them). */
export type WindowLabels = ReadonlyMap<string, readonly unknown[]> | (() => ReadonlyMap<string, readonly unknown[]>);

function labelsOf(labels: WindowLabels): ReadonlyMap<string, readonly unknown[]> {
  return typeof labels === 'function' ? labels() : labels;
}

/** A rule holds when its condition is true; a condition over a check that was not judged is false. */
export function holds(rule: AlertRule, context: Readonly<Record<string, unknown>>): boolean {
  try {
    return rule.condition.evaluateWith(context);
  } catch {
    // e.g. `performance.accuracy < 0.9` while performance had too few labels: nothing to alert on.
    return false;
  }
}

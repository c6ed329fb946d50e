/**
 * `performance`: an evaluation metric over the window's answers that feedback has labelled
 * (joined by request id, one label per row), computed as the rollout's `feedback` analysis and
 * `sluice eval` compute it, against the monitor's minimum or maximum. Labels spell a class as the
 * live window reads them (`1` for a `1=benign` class); others are counted as unusable.
 */
import { feedbackMetric, type LabelledAnswers } from '../../deploy/index.js';
import { classOf } from '../../serving/index.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import type { FeedbackLabels } from '../log/read-feedback.js';
import type { LoggedRow } from '../log/logged-rows.js';
import { asWindowRows, type WindowRows } from '../log/window-rows.js';
import { notEnoughData, type CheckResult } from './check-result.js';

/** The window's answers that have a usable label. */
export function labelledAnswers(window: WindowRows | readonly LoggedRow[], labels: FeedbackLabels, classes: readonly string[] | undefined): { answers: LabelledAnswers; unusable: number } {
  const rows = asWindowRows(window);
  let unusable = 0;
  if (classes && classes.length > 0) {
    const probabilities: number[] = [];
    const truth: string[] = [];
    // Labels repeat (a handful of classes over many rows): each is matched to its class once.
    const classesOf = new Map<unknown, string | undefined>();
    for (let row = 0; row < rows.length; row++) {
      const label = labels.get(rows.requestId(row))?.[rows.index(row)];
      if (label === undefined) continue;
      let known = classesOf.get(label);
      if (known === undefined && !classesOf.has(label)) classesOf.set(label, (known = classOf(classes, label)));
      if (known === undefined || !rows.pushProbabilities(row, classes, probabilities)) {
        unusable++;
        continue;
      }
      truth.push(known);
    }
    return { answers: { kind: 'classification', classes, probabilities: Float64Array.from(probabilities), labels: truth }, unusable };
  }
  const predictions: number[] = [];
  const truth: number[] = [];
  for (let row = 0; row < rows.length; row++) {
    const label = labels.get(rows.requestId(row))?.[rows.index(row)];
    if (label === undefined) continue;
    const prediction = rows.prediction(row);
    if (typeof label !== 'number' || typeof prediction !== 'number') {
      unusable++;
      continue;
    }
    truth.push(label);
    predictions.push(prediction);
  }
  return { answers: { kind: 'regression', predictions: Float64Array.from(predictions), labels: Float64Array.from(truth) }, unusable };
}

export function performanceCheck(spec: NonNullable<MonitorChecks['performance']>, rows: WindowRows | readonly LoggedRow[], labels: FeedbackLabels, classes: readonly string[] | undefined): CheckResult {
  const { answers, unusable } = labelledAnswers(rows, labels, classes);
  const count = answers.labels.length;
  const outcome = feedbackMetric({ metric: spec.metric, minSamples: spec.min_labels }, answers);
  if (outcome.kind !== 'value') return notEnoughData('performance', `${count} labelled rows of ${rows.length}, fewer than min_labels ${spec.min_labels}`);
  const value = Number(outcome.value);
  const failed = (spec.min !== undefined && !(value >= spec.min)) || (spec.max !== undefined && !(value <= spec.max));
  const bound = spec.min !== undefined ? ` (min ${spec.min})` : spec.max !== undefined ? ` (max ${spec.max})` : '';
  return {
    check: 'performance',
    status: failed ? 'failed' : 'passed',
    summary: `${spec.metric} ${value.toFixed(4)} over ${count} labelled rows${bound}`,
    values: { judged: true, metric: spec.metric, value, [spec.metric]: value, labels: count, unusable_labels: unusable, rows: rows.length },
  };
}

/**
 * `concept_drift`: is the model doing worse on live traffic than when it was registered? The
 * window's metric on its feedback labels is compared with the performance recorded for the served
 * version (its lineage's metrics, e.g. the pipeline's `test.accuracy`; or the monitor's
 * `baseline`) by a one-sided test of "no worse than at registration":
 *   - accuracy: the exact binomial test, P(X ≤ correct) for X ~ Binomial(labelled, baseline)
 *     (as `scipy.stats.binomtest(k, n, p, alternative='less')`);
 *   - any other metric: a seeded bootstrap of the window's labelled rows (200 resamples), the
 *     p-value the share of resamples at least as good as the baseline.
 * Drifted when the window is worse and p < alpha.
 */
import { feedbackMetric, type LabelledAnswers } from '../../deploy/index.js';
import { seededRandom } from '../../core/index.js';
import { greaterIsBetter } from '../../evaluation/index.js';
import type { MonitorChecks } from '../config/monitor-schema.js';
import type { FeedbackLabels } from '../log/read-feedback.js';
import type { LoggedRow } from '../log/logged-rows.js';
import type { WindowRows } from '../log/window-rows.js';
import { notEnoughData, type CheckResult } from './check-result.js';
import { labelledAnswers } from './performance-check.js';

/** The performance the served version was registered with. */
export interface RegisteredPerformance {
  readonly value: number;
  /** Where it came from: `lineage: test.accuracy`, or `configured`. */
  readonly source: string;
}

const RESAMPLES = 200;
const SEED = 15;

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space (exact for any n). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logChoose = 0;
  const terms: number[] = [];
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    terms.push(logChoose + i * logP + (n - i) * logQ);
  }
  const top = terms.reduce((largest, term) => (term > largest ? term : largest), Number.NEGATIVE_INFINITY);
  const sum = terms.reduce((total, term) => total + Math.exp(term - top), 0);
  return Math.min(1, Math.exp(top) * sum);
}

function resample(answers: LabelledAnswers, random: () => number): LabelledAnswers {
  const n = answers.labels.length;
  const pick = Int32Array.from({ length: n }, () => Math.floor(random() * n));
  if (answers.kind === 'regression') {
    return { kind: 'regression', predictions: Float64Array.from(pick, (i) => answers.predictions[i]!), labels: Float64Array.from(pick, (i) => answers.labels[i]!) };
  }
  const width = answers.classes.length;
  const probabilities = new Float64Array(n * width);
  pick.forEach((row, i) => probabilities.set(answers.probabilities.subarray(row * width, row * width + width), i * width));
  return { kind: 'classification', classes: answers.classes, probabilities, labels: Array.from(pick, (i) => answers.labels[i]!) };
}

export function conceptDriftCheck(spec: NonNullable<MonitorChecks['concept_drift']>, rows: WindowRows | readonly LoggedRow[], labels: FeedbackLabels, classes: readonly string[] | undefined, registered: RegisteredPerformance | undefined): CheckResult {
  const { answers } = labelledAnswers(rows, labels, classes);
  const n = answers.labels.length;
  if (!registered) return notEnoughData('concept_drift', `no ${spec.metric} is recorded for the served version (its lineage has none): set concept_drift.baseline`);
  const outcome = feedbackMetric({ metric: spec.metric, minSamples: spec.min_labels }, answers);
  if (outcome.kind !== 'value') return notEnoughData('concept_drift', `${n} labelled rows of ${rows.length}, fewer than min_labels ${spec.min_labels}`);
  const value = Number(outcome.value);
  const greater = greaterIsBetter(spec.metric);
  let pValue: number;
  let test: string;
  if (spec.metric === 'accuracy') {
    pValue = binomialLowerTail(Math.round(value * n), n, registered.value);
    test = 'exact binomial';
  } else {
    const random = seededRandom(SEED);
    let asGood = 0;
    for (let b = 0; b < RESAMPLES; b++) {
      const again = feedbackMetric({ metric: spec.metric, minSamples: 1 }, resample(answers, random));
      const resampled = again.kind === 'value' ? Number(again.value) : Number.NaN;
      if (greater ? resampled >= registered.value : resampled <= registered.value) asGood++;
    }
    pValue = (asGood + 1) / (RESAMPLES + 1);
    test = `bootstrap (${RESAMPLES} resamples)`;
  }
  const worse = greater ? value < registered.value : value > registered.value;
  const drifted = worse && pValue < spec.alpha;
  return {
    check: 'concept_drift',
    status: drifted ? 'failed' : 'passed',
    summary: `${spec.metric} ${value.toFixed(4)} over ${n} labelled rows against ${registered.value.toFixed(4)} at registration (${registered.source}): ${test} p = ${pValue.toPrecision(3)}${drifted ? `, below alpha ${spec.alpha}: concept drift` : ''}`,
    values: { judged: true, metric: spec.metric, value, baseline: registered.value, baseline_source: registered.source, delta: value - registered.value, p_value: pValue, test, drifted, labels: n },
  };
}

/** The served version's registered value of `metric`, from its lineage's metrics (a test split's first). */
export function registeredPerformance(metric: string, configured: number | undefined, lineageMetrics: Readonly<Record<string, number>> | undefined): RegisteredPerformance | undefined {
  if (configured !== undefined) return { value: configured, source: 'configured' };
  const keys = Object.keys(lineageMetrics ?? {}).filter((key) => key === metric || key.endsWith(`.${metric}`) || key.endsWith(`/${metric}`));
  const key = keys.find((each) => /test/.test(each)) ?? keys[0];
  return key === undefined ? undefined : { value: lineageMetrics![key]!, source: `lineage: ${key}` };
}

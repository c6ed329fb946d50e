/**
 * `feedback`: a metric of the evaluation module over the candidate's answers that have been
 * labelled through `POST /feedback` since the analysis target's start, computed by the same
 * `scoreTarget` as `sluice eval` (scikit-learn's definitions), so a live accuracy and an offline
 * one mean the same thing. Below `minSamples` labelled answers there is not enough data yet.
 */
import { scoreTarget, TASK_METRICS, type EvaluationTarget, type Task } from '../../../evaluation/index.js';
import { unknownFeedbackLabel, unknownFeedbackMetric } from '../errors.js';
import { notEnoughData, valueOutcome, type MetricProvider, type ProviderOutcome } from './metric-provider.js';

/** A classifier's labelled answers: its probabilities (row-major N × classes) and the posted labels. */
export interface LabelledClassifications {
  readonly kind: 'classification';
  /** Class names in probability-column order. */
  readonly classes: readonly string[];
  readonly probabilities: Float64Array;
  readonly labels: readonly string[];
  /** The positive class of a binary model (its metadata's `positive_class`); default the second class, as scikit-learn's. */
  readonly positiveClass?: string | undefined;
}

/** A regressor's labelled answers: its predictions and the posted true values. */
export interface LabelledRegressions {
  readonly kind: 'regression';
  readonly predictions: Float64Array;
  readonly labels: Float64Array;
}

/** A version's labelled answers, by the kind of model. */
export type LabelledAnswers = LabelledClassifications | LabelledRegressions;

/** Implemented by the server's feedback store: a version's answers that have labels, since a time. */
export interface FeedbackSource {
  labelled(version: string, since: number, output?: string): LabelledAnswers;
}

/** The `feedback:` block of a metric in sluice.yaml. */
export interface FeedbackOptions {
  readonly metric: string;
  readonly minSamples: number;
  readonly output?: string | undefined;
}

/** The decision threshold of binary metrics (`sluice eval`'s default). */
export const FEEDBACK_THRESHOLD = 0.5;

function evaluationTarget(answers: LabelledAnswers): EvaluationTarget {
  if (answers.kind === 'regression') return { task: 'regression', truth: answers.labels, predicted: answers.predictions };
  const index = new Map(answers.classes.map((name, c) => [name, c]));
  const truth = Int32Array.from(answers.labels, (label) => {
    const c = index.get(label);
    if (c === undefined) throw unknownFeedbackLabel({ label, classes: answers.classes });
    return c;
  });
  if (answers.classes.length !== 2) return { task: 'multiclass', classes: answers.classes, truth, probabilities: answers.probabilities, positive: 0, negative: 0 };
  const positive = answers.positiveClass === undefined ? 1 : (index.get(answers.positiveClass) ?? 1);
  return { task: 'binary', classes: answers.classes, truth, probabilities: answers.probabilities, positive, negative: 1 - positive };
}

/** `metric` over `answers`, or not enough data below `minSamples` labels. */
export function feedbackMetric(options: FeedbackOptions, answers: LabelledAnswers): ProviderOutcome {
  const count = answers.labels.length;
  const task: Task = answers.kind === 'regression' ? 'regression' : answers.classes.length === 2 ? 'binary' : 'multiclass';
  if (!TASK_METRICS[task].includes(options.metric)) throw unknownFeedbackMetric({ metric: options.metric, task, known: TASK_METRICS[task] });
  if (count < options.minSamples) return notEnoughData(`${count} of ${options.minSamples} labelled answers`);
  const value = scoreTarget(evaluationTarget(answers), FEEDBACK_THRESHOLD).metrics[options.metric];
  return valueOutcome(value, `${options.metric} over ${count} labelled answers`);
}

/** The `feedback` provider over the server's labelled answers. */
export function feedbackProvider(source: FeedbackSource): MetricProvider<FeedbackOptions> {
  return {
    async measure(options, { target }) {
      return feedbackMetric(options, source.labelled(target.candidateVersion, target.since, options.output));
    },
  };
}

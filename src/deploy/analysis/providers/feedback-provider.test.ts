/**
 * The feedback provider: the evaluation module's metrics over labelled answers, checked against
 * scikit-learn's values for the shared breast-cancer models' test predictions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { feedbackMetric, feedbackProvider, type LabelledClassifications } from './feedback-provider.js';
import { numbers, readCsvColumns, referenceValues } from './test-fixtures.js';

function labelledAnswers(model: string): LabelledClassifications {
  const columns = readCsvColumns('breast_cancer', 'test_predictions.csv');
  const p0 = numbers(columns[`${model}_p0`]!);
  const p1 = numbers(columns[`${model}_p1`]!);
  const probabilities = new Float64Array(p0.length * 2);
  p0.forEach((value, row) => {
    probabilities[row * 2] = value;
    probabilities[row * 2 + 1] = p1[row]!;
  });
  return { kind: 'classification', classes: ['0', '1'], probabilities, labels: columns.target!, positiveClass: '1' };
}

const valueOf = (outcome: ReturnType<typeof feedbackMetric>): unknown => (outcome.kind === 'value' ? outcome.value : outcome);

describe('the feedback provider', () => {
  test('accuracy, f1, roc_auc and log_loss of labelled answers match scikit-learn\'s', () => {
    const expected = referenceValues().models.bc_logreg!.test;
    for (const metric of ['accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'log_loss']) {
      const value = valueOf(feedbackMetric({ metric, minSamples: 50 }, labelledAnswers('bc_logreg'))) as number;
      assert.ok(Math.abs(value - expected[metric]!) < 1e-9, `${metric}: ${value} against scikit-learn's ${expected[metric]}`);
    }
  });

  test('the weak candidate\'s accuracy is its own, lower one', () => {
    const expected = referenceValues().models.bc_weak_logreg3!.test.accuracy!;
    assert.ok(Math.abs((valueOf(feedbackMetric({ metric: 'accuracy', minSamples: 50 }, labelledAnswers('bc_weak_logreg3'))) as number) - expected) < 1e-12);
  });

  test('below minSamples labelled answers there is not enough data yet', () => {
    const answers = labelledAnswers('bc_logreg');
    const few: LabelledClassifications = { ...answers, labels: answers.labels.slice(0, 12), probabilities: answers.probabilities.slice(0, 24) };
    assert.deepEqual(feedbackMetric({ metric: 'accuracy', minSamples: 50 }, few), { kind: 'not-enough-data', message: '12 of 50 labelled answers' });
  });

  test('regression metrics come from the same definitions', () => {
    const outcome = feedbackMetric({ metric: 'mae', minSamples: 2 }, { kind: 'regression', predictions: Float64Array.of(1, 2, 4), labels: Float64Array.of(1, 3, 2) });
    assert.equal(valueOf(outcome), 1);
  });

  test('a metric the task does not have is refused, naming the ones it has', () => {
    assert.throws(() => feedbackMetric({ metric: 'rmse', minSamples: 1 }, labelledAnswers('bc_logreg')), (error: Error & { hint?: string }) => {
      assert.match(error.message, /"rmse" is not computed for a binary model/);
      assert.match(error.hint!, /accuracy/);
      return true;
    });
  });

  test('a label that is not one of the model\'s classes is refused', () => {
    const answers = labelledAnswers('bc_logreg');
    assert.throws(() => feedbackMetric({ metric: 'accuracy', minSamples: 1 }, { ...answers, labels: ['benign', ...answers.labels.slice(1)] }), /"benign" is not one of the model's classes \(0, 1\)/);
  });

  test('asks its source for the candidate\'s answers since the analysis started', async () => {
    const asked: unknown[] = [];
    const provider = feedbackProvider({ labelled: (...args) => (asked.push(args), labelledAnswers('bc_logreg')) });
    await provider.measure({ metric: 'accuracy', minSamples: 1, output: 'probabilities' }, { target: { environment: 'e', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 7 }, now: 9 });
    assert.deepEqual(asked, [['2', 7, 'probabilities']]);
  });
});

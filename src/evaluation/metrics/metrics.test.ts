/**
 * Every metric against scikit-learn 1.2 on the same inputs, to 1e-9: generated cases (ties,
 * zero divisions, clipping, rare classes, constant truth) from test/fixtures/sklearn-metrics.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { repoFixture } from '../../../test/support/fixtures.js';
import { binaryMetrics, multiclassMetrics } from './classification.js';
import { regressionMetrics } from './regression.js';

interface ClassificationCase {
  truth: number[];
  probabilities: number[][];
  threshold?: number;
  expected: Record<string, number>;
  confusion_matrix: number[][];
}
interface RegressionCase {
  truth: number[];
  predicted: number[];
  expected: Record<string, number>;
}

const reference = JSON.parse(readFileSync(repoFixture('sklearn-metrics', 'reference.json'), 'utf8')) as { cases: Record<string, ClassificationCase & RegressionCase> };

function inputOf(testCase: ClassificationCase) {
  const classCount = testCase.probabilities[0]!.length;
  return { truth: Int32Array.from(testCase.truth), probabilities: Float64Array.from(testCase.probabilities.flat()), classCount };
}

/** Within 1e-9, relative to the value's magnitude when it exceeds 1 (MAPE divides by machine epsilon). */
function assertClose(actual: Record<string, number>, expected: Record<string, number>, tolerance = 1e-9): void {
  for (const [name, value] of Object.entries(expected)) {
    assert.ok(name in actual, `metric ${name} is computed`);
    assert.ok(Math.abs(actual[name]! - value) <= tolerance * Math.max(1, Math.abs(value)), `${name}: ${actual[name]} vs sklearn ${value}`);
  }
}

describe('metrics agree with scikit-learn', () => {
  for (const name of ['binary_with_ties', 'binary_no_positive_predictions']) {
    test(`binary: ${name}`, () => {
      const testCase = reference.cases[name]!;
      const result = binaryMetrics(inputOf(testCase), 1, 0, testCase.threshold ?? 0.5);
      assertClose(result.metrics, testCase.expected);
      assert.deepEqual(result.confusionMatrix, testCase.confusion_matrix);
    });
  }

  for (const name of ['multiclass', 'multiclass_class_never_predicted']) {
    test(`multiclass: ${name}`, () => {
      const testCase = reference.cases[name]!;
      const result = multiclassMetrics(inputOf(testCase));
      assertClose(result.metrics, testCase.expected);
      assert.deepEqual(result.confusionMatrix, testCase.confusion_matrix);
    });
  }

  for (const name of ['regression', 'regression_constant_truth']) {
    test(`regression: ${name}`, () => {
      const testCase = reference.cases[name]!;
      assertClose(regressionMetrics(Float64Array.from(testCase.truth), Float64Array.from(testCase.predicted)), testCase.expected);
    });
  }

  test('ECE is zero for perfectly calibrated bins and measures the gap otherwise', () => {
    const perfect = binaryMetrics({ truth: Int32Array.from([1, 0, 1, 0]), probabilities: Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), classCount: 2 }, 1, 0, 0.5);
    assert.equal(perfect.metrics.ece, 0);
    const overconfident = binaryMetrics({ truth: Int32Array.from([1, 0]), probabilities: Float64Array.from([0.05, 0.95, 0.05, 0.95]), classCount: 2 }, 1, 0, 0.5);
    assert.ok(Math.abs(overconfident.metrics.ece! - 0.45) < 1e-12);
  });
});

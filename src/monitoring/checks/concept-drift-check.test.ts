/**
 * Concept drift against the performance at registration: the weak model's live answers on
 * test.csv (accuracy 0.766) against the strong model's registered 0.988 drift with the exact
 * binomial p-value SciPy gives; the strong model's own answers do not; an AUC drop is found by the
 * seeded bootstrap; no registered value is "not judged", with how to give one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import type { LoggedRow } from '../log/logged-rows.js';
import { binomialLowerTail, conceptDriftCheck, registeredPerformance } from './concept-drift-check.js';

const CLASSES = ['0=malignant', '1=benign'];
const lines = readFileSync(sharedFixture('breast_cancer', 'test_predictions.csv'), 'utf8').trim().split('\n').slice(1);

/** The answers of a fixture model (columns p0, p1 at `column`) with test.csv's labels. */
function answered(column: number): { rows: LoggedRow[]; labels: Map<string, string[]> } {
  const rows = lines.map((line, k): LoggedRow => {
    const cells = line.split(',').map(Number);
    return { requestId: `r${k}`, index: 0, time: k, version: '2', features: {}, prediction: { '0=malignant': cells[column]!, '1=benign': cells[column + 1]! } };
  });
  return { rows, labels: new Map(lines.map((line, k) => [`r${k}`, [line.split(',')[1]!]])) };
}

const SPEC = { metric: 'accuracy', alpha: 0.05, min_labels: 50 };

describe('the concept drift check', () => {
  test('the binomial lower tail matches scipy.stats.binomtest(..., alternative="less")', () => {
    // /usr/bin/python3 -c "from scipy.stats import binomtest; print(binomtest(131,171,0.988,alternative='less').pvalue)"
    assert.ok(Math.abs(binomialLowerTail(131, 171, 0.988) / 5.646061490597293e-39 - 1) < 1e-9);
    assert.ok(Math.abs(binomialLowerTail(160, 171, 0.95) - 0.23796908967330122) < 1e-12);
    assert.ok(Math.abs(binomialLowerTail(9, 10, 0.5) - 0.9990234375) < 1e-12);
  });

  test('the weak model live against the strong model at registration is concept drift', () => {
    const { rows, labels } = answered(6);
    const result = conceptDriftCheck(SPEC, rows, labels, CLASSES, { value: 0.988, source: 'lineage: test.accuracy' });
    assert.equal(result.status, 'failed');
    assert.equal(result.values.drifted, true);
    assert.equal((result.values.value as number).toFixed(4), '0.7661');
    assert.ok((result.values.p_value as number) < 1e-30);
  });

  test('the registered model answering as it did at registration is not', () => {
    const { rows, labels } = answered(2);
    const result = conceptDriftCheck(SPEC, rows, labels, CLASSES, { value: 0.988, source: 'configured' });
    assert.equal(result.status, 'passed');
    assert.equal(result.values.drifted, false);
  });

  test('an AUC drop is tested by a seeded bootstrap, the same p-value every time', () => {
    const { rows, labels } = answered(6);
    const spec = { metric: 'roc_auc', alpha: 0.05, min_labels: 50 };
    const first = conceptDriftCheck(spec, rows, labels, CLASSES, { value: 0.998, source: 'configured' });
    assert.equal(first.values.drifted, true);
    assert.equal(first.values.p_value, 1 / 201);
    assert.deepEqual(conceptDriftCheck(spec, rows, labels, CLASSES, { value: 0.998, source: 'configured' }).values, first.values);
  });

  test('without a registered value it is not judged, and says how to give one', () => {
    const { rows, labels } = answered(2);
    const result = conceptDriftCheck(SPEC, rows, labels, CLASSES, registeredPerformance('accuracy', undefined, { 'train.log_loss': 0.1 }));
    assert.equal(result.status, 'not_enough_data');
    assert.match(result.summary, /set concept_drift\.baseline/);
    assert.deepEqual(registeredPerformance('accuracy', undefined, { 'validation.accuracy': 0.97, 'test.accuracy': 0.98 }), { value: 0.98, source: 'lineage: test.accuracy' });
  });
});

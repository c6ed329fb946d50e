/**
 * The performance check on labelled answers: the breast-cancer model's answers on test.csv with
 * its true labels posted as feedback give scikit-learn's accuracy from reference.json; too few
 * labels are not judged; labels spelled as the value before "=" join their class.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import type { LoggedRow } from '../log/logged-rows.js';
import { performanceCheck } from './performance-check.js';

const CLASSES = ['0=malignant', '1=benign'];
const lines = readFileSync(sharedFixture('breast_cancer', 'test_predictions.csv'), 'utf8').trim().split('\n').slice(1);
const reference = JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as { models: { bc_logreg: { test: { accuracy: number } } } };

const rows: LoggedRow[] = lines.map((line, k) => {
  const [, , p0, p1] = line.split(',').map(Number);
  return { requestId: `r${k}`, index: 0, time: k, version: '1', features: {}, prediction: { '0=malignant': p0!, '1=benign': p1! } };
});
const labels = new Map(lines.map((line, k) => [`r${k}`, [line.split(',')[1]!]] as const));

describe('the performance check', () => {
  test('accuracy over labelled answers equals scikit-learn\'s on the same predictions', () => {
    const result = performanceCheck({ metric: 'accuracy', min: 0.9, min_labels: 50 }, rows, labels, CLASSES);
    assert.equal(result.status, 'passed');
    assert.ok(Math.abs((result.values.accuracy as number) - reference.models.bc_logreg.test.accuracy) < 1e-12);
    assert.equal(result.values.labels, 171);
  });

  test('a minimum above the live accuracy fails', () => {
    assert.equal(performanceCheck({ metric: 'accuracy', min: 0.995, min_labels: 50 }, rows, labels, CLASSES).status, 'failed');
  });

  test('fewer labels than min_labels are not judged', () => {
    const few = new Map([...labels].slice(0, 10));
    const result = performanceCheck({ metric: 'accuracy', min: 0.9, min_labels: 50 }, rows, few, CLASSES);
    assert.equal(result.status, 'not_enough_data');
  });

  test('a label that is no class is counted as unusable, not guessed', () => {
    const wrong = new Map([...labels, ['r0', ['maybe']] as const]);
    const result = performanceCheck({ metric: 'accuracy', min_labels: 50 }, rows, wrong, CLASSES);
    assert.equal(result.values.unusable_labels, 1);
    assert.equal(result.values.labels, 170);
  });
});

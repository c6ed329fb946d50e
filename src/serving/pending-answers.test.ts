/** Answers awaiting labels: found by request id with their shadow's, rows intact, the oldest forgotten beyond the capacity. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PendingAnswers } from './pending-answers.js';

const classes = ['0', '1'];

describe('pending answers', () => {
  test('an answer and its shadow are found by request id, newest first, with every row', () => {
    const pending = new PendingAnswers(10);
    pending.add('a', '1', { kind: 'probabilities', classes, rows: [[0.1, 0.9], [0.6, 0.4]] });
    pending.add('a', '2', { kind: 'probabilities', classes, rows: [[0.3, 0.7], [0.5, 0.5]] });
    pending.add('b', '1', { kind: 'values', rows: [4.5] });
    assert.deepEqual(pending.get('a'), [
      { version: '2', predictions: { kind: 'probabilities', classes, rows: [[0.3, 0.7], [0.5, 0.5]] } },
      { version: '1', predictions: { kind: 'probabilities', classes, rows: [[0.1, 0.9], [0.6, 0.4]] } },
    ]);
    assert.deepEqual(pending.get('b'), [{ version: '1', predictions: { kind: 'values', rows: [4.5] } }]);
    pending.delete('a');
    assert.equal(pending.get('a'), undefined);
  });

  test('beyond its capacity the oldest answers are forgotten, and a chain stops at an overwritten link', () => {
    const pending = new PendingAnswers(3);
    pending.add('a', '1', { kind: 'values', rows: [1] });
    pending.add('b', '1', { kind: 'values', rows: [2] });
    pending.add('b', '2', { kind: 'values', rows: [3] });
    pending.add('c', '1', { kind: 'values', rows: [4] });
    assert.equal(pending.get('a'), undefined);
    pending.add('d', '1', { kind: 'values', rows: [5] });
    assert.deepEqual(pending.get('b')?.map((answer) => answer.version), ['2'], 'b\'s first answer was overwritten');
    pending.add('e', '1', { kind: 'values', rows: [6] });
    assert.equal(pending.get('b'), undefined);
    assert.deepEqual(pending.get('e')?.map((answer) => answer.predictions.rows), [[6]]);
  });
});

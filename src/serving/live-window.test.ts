/** The live window: per-version request stats, prediction values and labelled answers since a time, bounded; labels joined by request id. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveWindow } from './live-window.js';
import { joinFeedback } from './routes/feedback.js';
import type { RowPredictions } from './served-model.js';

const CLASSES = ['0=malignant', '1=benign'];
const answer = (p1: number): RowPredictions => ({ kind: 'probabilities', classes: CLASSES, rows: [[1 - p1, p1]] });

function clocked(options: ConstructorParameters<typeof LiveWindow>[0] = {}): { window: LiveWindow; at: (t: number) => void } {
  let now = 0;
  return { window: new LiveWindow({ ...options, clock: () => now }), at: (t) => (now = t) };
}

describe('the live window', () => {
  test('request stats count a version\'s requests and 5xx failures since a time, with their latencies', () => {
    const { window, at } = clocked();
    at(10);
    window.recordRequest('1', 5, false);
    at(20);
    window.recordRequest('1', 7, true);
    window.recordRequest('2', 3, false);
    at(30);
    window.recordRequest('1', 9, false);
    const stats = window.requestStats('1', 20);
    assert.equal(stats.count, 2);
    assert.equal(stats.errors, 1);
    assert.deepEqual(Array.from(stats.latenciesMs), [7, 9]);
    assert.equal(window.requestStats('3', 0).count, 0);
  });

  test('memory is bounded: the oldest requests and outputs give way to new ones', () => {
    const { window, at } = clocked({ requests: 4, rows: 3 });
    for (let k = 0; k < 10; k++) {
      at(k);
      window.recordRequest('1', k, false);
      window.recordAnswer(`r${k}`, '1', answer(k / 10));
    }
    assert.deepEqual(Array.from(window.requestStats('1', 0).latenciesMs), [6, 7, 8, 9]);
    assert.deepEqual(Array.from(window.outputs('1', 0)).map((value) => Math.round(value * 10)), [7, 8, 9]);
  });

  test('a label joins every answer given to its request id, by class value or name, and feeds that version\'s labelled answers', () => {
    const { window, at } = clocked();
    at(100);
    window.recordAnswer('a', '1', answer(0.9));
    window.recordAnswer('a', '2', answer(0.2));
    window.recordAnswer('b', '1', answer(0.1));
    assert.equal(window.check('a', 1), undefined);
    window.join('a', 1);
    window.join('b', '0=malignant');
    const stable = window.labelled('1', 0);
    assert.equal(stable.kind, 'classification');
    assert.deepEqual(stable.kind === 'classification' && stable.labels, ['1=benign', '0=malignant']);
    const shadow = window.labelled('2', 0);
    assert.deepEqual(shadow.kind === 'classification' && Array.from(shadow.probabilities).map((p) => Math.round(p * 10)), [8, 2]);
    assert.equal(window.labelled('1', 101).kind === 'classification' && (window.labelled('1', 101) as { labels: string[] }).labels.length, 0);
  });

  test('an unknown request id and a label that is not one of the classes are refused by check', () => {
    const { window } = clocked();
    window.recordAnswer('a', '1', answer(0.9));
    assert.deepEqual(window.check('zzz', 1), { kind: 'unknown-request', requestId: 'zzz' });
    assert.equal(window.check('a', 'benign-ish')?.kind, 'wrong-label');
    assert.equal(window.check('a', [0, 1])?.kind, 'wrong-label');
    window.join('a', 0);
    assert.deepEqual(window.check('a', 0), { kind: 'already-joined', requestId: 'a' }, 'a request is labelled once; a retry is recognised');
  });

  test('a retried label (a client that timed out) is recognised and not joined twice, while unknown ids stay refused', () => {
    const { window } = clocked();
    window.recordAnswer('a', '1', answer(0.9));
    assert.deepEqual(joinFeedback(window, [{ id: 'a', label: 1 }]), { joined: 1 });
    assert.deepEqual(joinFeedback(window, [{ id: 'a', label: 1 }]), { joined: 0, already_joined: 1 });
    assert.equal((window.labelled('1', 0) as { labels: string[] }).labels.length, 1, 'the label counts once in the analysis');
    assert.deepEqual(joinFeedback(window, [{ id: 'a', label: 1 }, { id: 'never', label: 1 }]), { unknown: ['never'] });
    const changed = joinFeedback(window, [{ id: 'a', label: 0 }]);
    assert.ok('wrongLabel' in changed && /was labelled 1 already/.test(changed.wrongLabel), 'a different label for a joined request is refused, not logged as a correction');
  });

  test('an id joined twice (a client reusing ids) is still recognised after its older slot leaves the ring', () => {
    const { window } = clocked({ pending: 2 });
    window.recordAnswer('x', '1', answer(0.9));
    window.join('x', 1);
    window.recordAnswer('x', '1', answer(0.9));
    window.join('x', 1);
    window.recordAnswer('y', '1', answer(0.9));
    window.join('y', 1);
    assert.deepEqual(window.check('x', 1), { kind: 'already-joined', requestId: 'x' });
  });

  test('a regressor\'s labels are numbers', () => {
    const { window } = clocked();
    window.recordAnswer('a', '1', { kind: 'values', rows: [2.5] });
    assert.equal(window.check('a', 'x')?.kind, 'wrong-label');
    window.join('a', 3);
    const labelled = window.labelled('1', 0);
    assert.equal(labelled.kind, 'regression');
    assert.deepEqual(labelled.kind === 'regression' && [Array.from(labelled.predictions), Array.from(labelled.labels)], [[2.5], [3]]);
  });
});

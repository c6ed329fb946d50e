/**
 * Windows over the prediction log: complete windows close and the rest stays unread; the position
 * after a window covers exactly its lines in each file; shadow answers are consumed, not judged.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoggedPrediction } from '../log/read-prediction-log.js';
import { FLUSH_GRACE_MS, planWindows } from './plan-windows.js';

/** `count` predictions in `file`, one line of 100 bytes each, stamped from `start` every `step` ms. */
function logged(file: string, count: number, start: number, step: number, shadowEvery = 0): LoggedPrediction[] {
  return Array.from({ length: count }, (_, k) => ({
    request_id: `${file}-${k}`,
    time: start + k * step,
    model: 'm',
    version: '1',
    protocol: 'predict',
    inputs: [],
    outputs: [],
    shadow: shadowEvery > 0 && k % shadowEvery === shadowEvery - 1,
    file,
    end: (k + 1) * 100,
  }));
}

function byTime(...lists: LoggedPrediction[][]): LoggedPrediction[] {
  return lists.flat().sort((a, b) => a.time - b.time);
}

describe('planning windows', () => {
  test('count windows close every N predictions and leave the rest unread', () => {
    const windows = planWindows(logged('a', 25, 0, 10), {}, { kind: 'predictions', count: 10 }, 1_000);
    assert.deepEqual(windows.map((window) => window.predictions.length), [10, 10]);
    assert.deepEqual(windows[1]!.position, { a: 2000 });
  });

  test('two files interleaved: each window takes a prefix of each file and the position covers exactly it', () => {
    const windows = planWindows(byTime(logged('a', 10, 0, 2), logged('b', 10, 1, 2)), {}, { kind: 'predictions', count: 10 }, 1_000);
    assert.equal(windows.length, 2);
    assert.deepEqual(windows[0]!.position, { a: 500, b: 500 });
    assert.deepEqual(windows[1]!.position, { a: 1000, b: 1000 });
    const ids = windows.flatMap((window) => window.predictions.map((prediction) => prediction.request_id));
    assert.equal(new Set(ids).size, 20);
  });

  test('time windows are aligned and close only once their span (and the flush grace) is over', () => {
    const predictions = logged('a', 30, 0, 100);
    const early = planWindows(predictions, {}, { kind: 'time', ms: 1_000 }, 1_500);
    assert.deepEqual(early, []);
    const later = planWindows(predictions, {}, { kind: 'time', ms: 1_000 }, 2_000 + FLUSH_GRACE_MS);
    assert.deepEqual(later.map((window) => [window.endedAt, window.predictions.length]), [[1_000, 10], [2_000, 10]]);
  });

  test('shadow answers are consumed with their window but not judged', () => {
    const windows = planWindows(logged('a', 12, 0, 10, 4), {}, { kind: 'predictions', count: 5 }, 1_000);
    // Lines 4, 8 and 12 are shadows: the first window takes 5 answers (lines 1–3, 5, 6) and the shadow between them.
    assert.equal(windows[0]!.predictions.length, 5);
    assert.ok(windows[0]!.predictions.every((prediction) => !prediction.shadow));
    assert.deepEqual(windows[0]!.position, { a: 600 });
  });
});

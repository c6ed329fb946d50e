/**
 * Windows over the prediction log: complete windows close and the rest stays unread; the position
 * after a window covers exactly its lines in each file; shadow answers are consumed, not judged.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogRecords } from '../log/log-records.js';
import type { LoggedPrediction, LogPosition } from '../log/read-prediction-log.js';
import type { WindowEvery } from '../config/monitor-schema.js';
import { FLUSH_GRACE_MS, mayCloseWindow as mayCloseRecords, planWindows as planRecords } from './plan-windows.js';

/** A planned window as the tests compare it: its records as objects. */
interface Planned {
  readonly predictions: readonly LoggedPrediction[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly position: LogPosition;
}

function planWindows(predictions: readonly LoggedPrediction[], position: LogPosition, every: WindowEvery, now: number): Planned[] {
  return planRecords(LogRecords.from(predictions), position, every, now).map(({ records, startedAt, endedAt, position: after }) => ({
    predictions: Array.from({ length: records.length }, (_, index) => records.at(index)),
    startedAt,
    endedAt,
    position: after,
  }));
}

function mayCloseWindow(predictions: readonly LoggedPrediction[], every: WindowEvery, now: number): boolean {
  return mayCloseRecords(LogRecords.from(predictions), every, now);
}

/** What the rules decide about windows: which requests each holds, its span and the position after it. */
function decided(windows: readonly Planned[]): unknown[] {
  return windows.map(({ predictions, startedAt, endedAt, position }) => ({ ids: predictions.map((prediction) => prediction.request_id), startedAt, endedAt, position }));
}

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

  test('any number of files, shadows, failed requests and late stamps: the windows the rules make', () => {
    let state = 7;
    const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let round = 0; round < 40; round++) {
      const predictions: LoggedPrediction[] = [];
      for (let f = 0; f < 1 + (round % 4); f++) {
        let time = Math.floor(random() * 50);
        for (let k = 0; k < 20 + Math.floor(random() * 80); k++) {
          // Stamps mostly rise; now and then a line is stamped before the one above it.
          time += Math.floor(random() * 40) - (random() < 0.1 ? 60 : 0);
          const kind = random();
          predictions.push({ ...logged(`f${f}`, 1, time, 0)[0]!, request_id: `f${f}-${k}`, end: (k + 1) * 100, shadow: kind < 0.1, ...(kind > 0.93 ? { error: 500 } : {}) });
        }
      }
      predictions.sort((a, b) => a.time - b.time);
      const every: WindowEvery = round % 2 === 0 ? { kind: 'predictions', count: 1 + Math.floor(random() * 30) } : { kind: 'time', ms: 100 + Math.floor(random() * 500) };
      const now = Math.max(...predictions.map((prediction) => prediction.time)) + (round % 3 === 0 ? 0 : 10_000);
      const windows = planWindows(predictions, { old: 5 }, every, now);
      assert.deepEqual(decided(windows), decided(planWindowsByTheRules(predictions, { old: 5 }, every, now)), `round ${round}`);
      // The check a long-lived monitor makes before planning never hides a window that would close.
      if (windows.length > 0) assert.ok(mayCloseWindow(predictions, every, now), `round ${round}: a window closes, yet mayCloseWindow said none could`);
    }
  });

  test('a monitor looking every second skips planning while no window can be complete', () => {
    const predictions = logged('a', 9, 1_000, 10);
    assert.equal(mayCloseWindow(predictions, { kind: 'predictions', count: 10 }, 0), false);
    assert.equal(mayCloseWindow([...predictions, ...logged('b', 1, 2_000, 0)], { kind: 'predictions', count: 10 }, 0), true);
    assert.equal(mayCloseWindow(logged('c', 3, 1_000, 0, 1), { kind: 'predictions', count: 1 }, 0), false, 'shadow answers do not count');
    const minute = { kind: 'time' as const, ms: 60_000 };
    assert.equal(mayCloseWindow(predictions, minute, 60_000 + FLUSH_GRACE_MS - 1), false);
    assert.equal(mayCloseWindow(predictions, minute, 60_000 + FLUSH_GRACE_MS), true);
    assert.equal(mayCloseWindow([], minute, Number.MAX_SAFE_INTEGER), false);
  });
});

/** The rules of the module comment applied as they read, window after window over what is left (quadratic; a specification). */
function planWindowsByTheRules(predictions: readonly LoggedPrediction[], position: Record<string, number>, every: WindowEvery, now: number): Planned[] {
  const windows: Planned[] = [];
  let unread = [...predictions];
  let at: Record<string, number> = { ...position };
  for (;;) {
    const answered = unread.filter((prediction) => !prediction.shadow && prediction.error === undefined);
    if (answered.length === 0) break;
    let taken: LoggedPrediction[];
    if (every.kind === 'predictions') {
      if (answered.length < every.count) break;
      taken = answered.slice(0, every.count);
    } else {
      const end = (Math.floor(answered[0]!.time / every.ms) + 1) * every.ms;
      if (now < end + FLUSH_GRACE_MS) break;
      taken = answered.filter((prediction) => prediction.time < end);
    }
    const ends = new Map<string, number>();
    for (const prediction of taken) ends.set(prediction.file, Math.max(ends.get(prediction.file) ?? 0, prediction.end));
    const inWindow = (prediction: LoggedPrediction): boolean => prediction.end <= (ends.get(prediction.file) ?? -1);
    const members = unread.filter((prediction) => inWindow(prediction) && !prediction.shadow);
    unread = unread.filter((prediction) => !inWindow(prediction));
    at = { ...at, ...Object.fromEntries(ends) };
    const times = members.map((prediction) => prediction.time);
    windows.push({
      predictions: members,
      startedAt: Math.min(...times),
      endedAt: every.kind === 'time' ? (Math.floor(taken[0]!.time / every.ms) + 1) * every.ms : Math.max(...times),
      position: at,
    });
  }
  return windows;
}

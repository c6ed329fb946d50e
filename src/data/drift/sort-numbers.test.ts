/** The radix sort and the two-thread sorter order numbers exactly as `Float64Array.prototype.sort`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareEcdfs } from './numeric-statistics.js';
import { compareAllEcdfs, sortAll, startSortAll } from './sort-in-parallel.js';
import { sortNumbers } from './sort-numbers.js';

/** Seeded numbers of every awkward kind: negatives, tiny and huge magnitudes, ties, ±0, ±Infinity, NaN. */
function awkwardNumbers(length: number, seed: number): Float64Array {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const values = new Float64Array(length);
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, -Number.MAX_VALUE];
  for (let k = 0; k < length; k++) {
    const kind = random();
    values[k] = kind < 0.01 ? specials[k % specials.length]! : kind < 0.2 ? Math.round(random() * 10) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
  }
  return values;
}

function assertSameOrder(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++) {
    // -0 and +0 compare equal; either order is a correct sort.
    if (!(actual[k] === expected[k] || (Number.isNaN(actual[k]!) && Number.isNaN(expected[k]!)))) assert.fail(`position ${k}: ${actual[k]} where the built-in sort has ${expected[k]}`);
  }
}

test('the radix sort orders a large array as the built-in sort does, NaN last', () => {
  const values = awkwardNumbers(300_000, 7);
  const expected = values.slice().sort();
  sortNumbers(values);
  assertSameOrder(values, expected);
});

test('a large array with NaNs of either sign (another engine’s, or written into shared memory) has every NaN last', () => {
  const values = awkwardNumbers(100_000, 11);
  const words = new Uint32Array(values.buffer);
  // Negative NaNs and NaNs with payloads, among the canonical ones.
  for (let k = 0; k < values.length; k += 997) words.set(k % 2 === 0 ? [0, 0xfff80000] : [1, 0x7ff00000], 2 * k);
  const expected = values.slice().sort();
  sortNumbers(values);
  assertSameOrder(values, expected);
  const numbers = values.findIndex((value) => Number.isNaN(value));
  assert.ok(values.subarray(numbers).every((value) => Number.isNaN(value)), 'nothing but NaN after the first NaN');
});

test('float32 values (32-bit keys) sort as the built-in sort does, specials and -0 included', () => {
  const values = awkwardNumbers(200_000, 11).map((value) => Math.fround(value));
  const expected = values.slice().sort();
  sortNumbers(values);
  assertSameOrder(values, expected);
  const zeros = values.filter((value) => value === 0);
  assert.ok(zeros.length > 0 && Object.is(zeros[0], -0) && Object.is(zeros.at(-1), 0), '-0 before +0');
});

test('one value that is not a float32 sends the whole array through the 64-bit passes, with the same order', () => {
  const values = awkwardNumbers(100_000, 13).map((value) => Math.fround(value));
  values[77_777] = 0.1;
  const expected = values.slice().sort();
  sortNumbers(values);
  assertSameOrder(values, expected);
});

test('arrays below the radix size (sorted as integer keys) order as the built-in sort does, specials, -0 and ties included', () => {
  for (const [length, seed] of [[1, 1], [2, 2], [1000, 3], [65_535, 5]] as const) {
    const values = awkwardNumbers(length, seed);
    const expected = values.slice().sort();
    sortNumbers(values);
    assertSameOrder(values, expected);
    const zeros = values.filter((value) => value === 0);
    if (zeros.some((value) => Object.is(value, -0)) && zeros.some((value) => Object.is(value, 0))) assert.ok(Object.is(zeros[0], -0) && Object.is(zeros.at(-1), 0), '-0 before +0');
  }
  // A NaN with its sign bit set (another engine's, or written into shared memory) is still last.
  const withNaN = Float64Array.from([2, 1, -3, 0, -1]);
  new Uint32Array(withNaN.buffer).set([0, 0xfff80000], 6);
  assert.ok(Number.isNaN(withNaN[3]));
  sortNumbers(withNaN);
  assert.deepEqual([...withNaN.subarray(0, 4)], [-3, -1, 1, 2]);
  assert.ok(Number.isNaN(withNaN[4]));
});

test('small arrays and constant arrays are sorted too', () => {
  const small = Float64Array.from([3, Number.NaN, -1, 2]);
  sortNumbers(small);
  assert.deepEqual([...small], [-1, 2, 3, Number.NaN]);
  const constant = new Float64Array(200_000).fill(2.5);
  sortNumbers(constant);
  assert.ok(constant.every((value) => value === 2.5));
});

test('sortAll returns every array sorted, in input order, across two threads', async () => {
  const arrays = [awkwardNumbers(700_000, 1), awkwardNumbers(500_000, 2), awkwardNumbers(600_000, 3), awkwardNumbers(10, 4)];
  const expected = arrays.map((array) => array.slice().sort());
  const sorted = await sortAll(arrays);
  sorted.forEach((array, k) => assertSameOrder(array, expected[k]!));
});

test('sortAll without transfer sorts arrays over shared memory on the other thread and detaches nothing', async () => {
  const shared = [awkwardNumbers(700_000, 5), awkwardNumbers(600_000, 6)].map((array) => {
    const copy = new Float64Array(new SharedArrayBuffer(array.byteLength));
    copy.set(array);
    return copy;
  });
  const kept = [awkwardNumbers(400_000, 7), awkwardNumbers(300_000, 8)];
  const arrays = [...shared, ...kept];
  const expected = arrays.map((array) => array.slice().sort());
  const sorted = await sortAll(arrays, { transfer: false });
  sorted.forEach((array, k) => {
    assert.equal(array, arrays[k], 'the same array object, still attached');
    assertSameOrder(array, expected[k]!);
  });
});

test('a sort started early finishes every shared array sorted, the other thread having taken some while this one was busy', async () => {
  const shared = Array.from({ length: 6 }, (_, k) => {
    const copy = new Float64Array(new SharedArrayBuffer(300_000 * 8));
    copy.set(awkwardNumbers(300_000, 20 + k));
    return copy;
  });
  const expected = shared.map((array) => array.slice().sort());
  const job = startSortAll(shared, { transfer: false });
  // This thread is busy elsewhere (here: waiting, up to 10 s) until the other one has sorted a column.
  const isSorted = (array: Float64Array, k: number) => array.every((value, i) => value === expected[k]![i] || (Number.isNaN(value) && Number.isNaN(expected[k]![i]!)));
  let sortedMeanwhile = 0;
  for (const started = Date.now(); sortedMeanwhile === 0 && Date.now() - started < 10_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    sortedMeanwhile = shared.filter(isSorted).length;
  }
  const sorted = await job.finish();
  sorted.forEach((array, k) => assertSameOrder(array, expected[k]!));
  assert.ok(sortedMeanwhile >= 1, 'the other thread sorted at least one column before this one joined in');
});

test('ECDF walks shared out over two threads give exactly the walks of one thread, in input order', async () => {
  const finite = (seed: number, length: number, shift: number) => {
    const values = awkwardNumbers(length, seed).filter((value) => Number.isFinite(value)).map((value) => value + shift);
    return values.sort();
  };
  const pairs = Array.from({ length: 5 }, (_, k) => {
    const current = finite(40 + k, 400_000, k * 0.25);
    const shared = new Float64Array(new SharedArrayBuffer(current.length * 8));
    shared.set(current);
    return [finite(60 + k, 50_000, 0), shared] as const;
  });
  const walked = await compareAllEcdfs(pairs);
  assert.deepEqual(walked, pairs.map(([reference, current]) => compareEcdfs(reference, current)));
});

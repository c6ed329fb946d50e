/** The micro-batcher: which requests share a call, and that each gets its own rows back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedPart } from './feed.js';
import { DEFAULT_BATCHING, MicroBatcher } from './micro-batcher.js';

/** A part of `rows` rows whose single feature is the given values. */
function part(values: readonly number[]): FeedPart {
  return { rows: values.length, tensors: { x: { type: 'float32', data: Float32Array.from(values), rowShape: [] } } };
}

/** A "model" doubling its input, recording the size of every call. */
function doubling(calls: number[], delayMs = 5) {
  return async (input: FeedPart): Promise<FeedPart> => {
    calls.push(input.rows);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const x = input.tensors.x!.data as Float32Array;
    return { rows: input.rows, tensors: { y: { type: 'float32', data: x.map((value) => value * 2), rowShape: [] } } };
  };
}

const values = (output: FeedPart) => Array.from(output.tensors.y!.data as Float32Array);

/** A timer armed by hand: the batcher's opt-in wait, fired when the test says (no clock involved). */
function manualTimer() {
  const armed: (() => void)[] = [];
  return {
    armed,
    setTimer: (callback: () => void) => {
      armed.push(callback);
      return setTimeout(() => undefined, 0).unref();
    },
    fire: () => armed.splice(0).forEach((callback) => callback()),
  };
}

/** A "model" doubling its input whose calls end only when the test releases them (no clock involved). */
function gated(calls: number[]) {
  const releases: (() => void)[] = [];
  const run = async (input: FeedPart): Promise<FeedPart> => {
    calls.push(input.rows);
    await new Promise<void>((resolve) => releases.push(resolve));
    const x = input.tensors.x!.data as Float32Array;
    return { rows: input.rows, tensors: { y: { type: 'float32', data: x.map((value) => value * 2), rowShape: [] } } };
  };
  return { run, release: () => releases.splice(0).forEach((resolve) => resolve()) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('by default an idle batcher runs a request at once: no timer is armed, the call starts before the next event-loop turn', async () => {
  const calls: number[] = [];
  const timer = manualTimer();
  const model = gated(calls);
  const batcher = new MicroBatcher(model.run, { ...DEFAULT_BATCHING, setTimer: timer.setTimer });
  assert.equal(DEFAULT_BATCHING.maxDelayMs, 0);
  const output = batcher.infer(part([1]));
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(calls, [1], 'the call started within the same turn');
  assert.equal(timer.armed.length, 0, 'no timer was armed');
  model.release();
  assert.deepEqual(values(await output), [2]);
  assert.equal(timer.armed.length, 0);
});

test('by default, requests arriving while a batch runs are coalesced into one next batch, each getting its own rows', async () => {
  const calls: number[] = [];
  const timer = manualTimer();
  const model = gated(calls);
  const batcher = new MicroBatcher(model.run, { ...DEFAULT_BATCHING, setTimer: timer.setTimer });
  const first = batcher.infer(part([1]));
  await nextTurn();
  const later = [batcher.infer(part([2])), batcher.infer(part([3, 4])), batcher.infer(part([5]))];
  await nextTurn();
  assert.deepEqual(calls, [1], 'nothing else runs while the first batch does');
  model.release();
  assert.deepEqual(values(await first), [2]);
  for (let turn = 0; turn < 100 && calls.length < 2; turn++) await nextTurn();
  model.release();
  assert.deepEqual((await Promise.all(later)).map(values), [[4], [6, 8], [10]]);
  assert.deepEqual(calls, [1, 4]);
  assert.equal(timer.armed.length, 0, 'no timer was armed');
});

test('a positive delay (opt-in) makes an idle batcher wait for company: requests arriving together share one call', async () => {
  const calls: number[] = [];
  const timer = manualTimer();
  const batcher = new MicroBatcher(doubling(calls), { maxBatchSize: 32, maxDelayMs: 2, setTimer: timer.setTimer });
  const outputs = Promise.all([batcher.infer(part([1])), batcher.infer(part([2, 3])), batcher.infer(part([4]))]);
  await nextTurn();
  assert.deepEqual(calls, [], 'it waits for the timer');
  assert.equal(timer.armed.length, 1, 'one timer for the batch');
  timer.fire();
  assert.deepEqual((await outputs).map(values), [[2], [4, 6], [8]]);
  assert.deepEqual(calls, [4]);
});

test('a batch never exceeds the size limit; a request of that size runs alone at once', async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher(doubling(calls), { maxBatchSize: 4, maxDelayMs: 0 });
  await Promise.all([batcher.infer(part([1, 2, 3])), batcher.infer(part([4, 5])), batcher.infer(part([6, 7, 8, 9, 10]))]);
  assert.ok(calls.includes(5), 'the five-row request ran on its own');
  assert.ok(calls.every((rows) => rows <= 5));
  assert.equal(calls.reduce((sum, rows) => sum + rows, 0), 10);
});

test('size 1 turns batching off: every request is its own call', async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher(doubling(calls), { maxBatchSize: 1, maxDelayMs: 5 });
  await Promise.all([batcher.infer(part([1])), batcher.infer(part([2]))]);
  assert.deepEqual(calls, [1, 1]);
});

test('a failed call fails every request in its batch, and the next batch still runs', async () => {
  const timer = manualTimer();
  let fail = true;
  const batcher = new MicroBatcher(
    async (input) => {
      if (fail) {
        fail = false;
        throw new Error('session crashed');
      }
      return { rows: input.rows, tensors: { y: input.tensors.x! } };
    },
    { maxBatchSize: 32, maxDelayMs: 2, setTimer: timer.setTimer },
  );
  const settled = Promise.allSettled([batcher.infer(part([1])), batcher.infer(part([2]))]);
  timer.fire();
  const results = await settled;
  assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
  const third = batcher.infer(part([3]));
  timer.fire();
  assert.equal((await third).rows, 1);
});

test('requests whose tensors differ past the batch dimension never share a call', async () => {
  const timer = manualTimer();
  const calls: number[] = [];
  const batcher = new MicroBatcher(
    async (input) => {
      calls.push(input.rows);
      return { rows: input.rows, tensors: { y: input.tensors.x! } };
    },
    { maxBatchSize: 32, maxDelayMs: 2, setTimer: timer.setTimer },
  );
  const wide = { rows: 1, tensors: { x: { type: 'float32', data: Float32Array.from([1, 2, 3]), rowShape: [3] } } };
  const narrow = { rows: 1, tensors: { x: { type: 'float32', data: Float32Array.from([7, 8]), rowShape: [2] } } };
  const all = Promise.all([batcher.infer(narrow), batcher.infer(wide), batcher.infer(narrow)]);
  timer.fire();
  const [a, b, c] = await all;
  assert.deepEqual([a, b, c].map((output) => Array.from(output.tensors.y!.data as Float32Array)), [[7, 8], [1, 2, 3], [7, 8]]);
  assert.deepEqual(calls, [2, 1]);
});

test('outputs that cannot be cut back into requests fail those requests, and the model goes on serving', async () => {
  const calls: number[] = [];
  const double = doubling(calls, 1);
  // The call of two rows answers a tensor whose rows cannot be cut apart (a getter that throws).
  const batcher = new MicroBatcher(async (input) => {
    const output = await double(input);
    if (input.rows !== 2) return output;
    return { rows: output.rows, tensors: { y: { ...output.tensors.y!, get rowShape(): number[] { throw new Error('no row shape'); } } } };
  }, DEFAULT_BATCHING);
  const first = batcher.infer(part([1]));
  const together = [batcher.infer(part([2])), batcher.infer(part([3]))];
  assert.deepEqual(values(await first), [2]);
  for (const answer of together) await assert.rejects(answer, /no row shape/);
  assert.deepEqual(values(await batcher.infer(part([4]))), [8]);
});

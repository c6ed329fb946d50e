/** The micro-batcher: which requests share a call, and that each gets its own rows back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedPart } from './feed.js';
import { MicroBatcher } from './micro-batcher.js';

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

test('requests arriving together share one call, and each gets its own rows back', async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher(doubling(calls), { maxBatchSize: 32, maxDelayMs: 0 });
  const outputs = await Promise.all([batcher.infer(part([1])), batcher.infer(part([2, 3])), batcher.infer(part([4]))]);
  assert.deepEqual(calls, [4]);
  assert.deepEqual(outputs.map(values), [[2], [4, 6], [8]]);
});

test('requests arriving while a batch runs go together as the next batch', async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher(doubling(calls, 20), { maxBatchSize: 32, maxDelayMs: 0 });
  const first = batcher.infer(part([1]));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const later = await Promise.all([batcher.infer(part([2])), batcher.infer(part([3])), batcher.infer(part([4]))]);
  assert.deepEqual(values(await first), [2]);
  assert.deepEqual(later.map(values), [[4], [6], [8]]);
  assert.deepEqual(calls, [1, 3]);
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
  let fail = true;
  const batcher = new MicroBatcher(
    async (input) => {
      if (fail) {
        fail = false;
        throw new Error('session crashed');
      }
      return { rows: input.rows, tensors: { y: input.tensors.x! } };
    },
    { maxBatchSize: 32, maxDelayMs: 0 },
  );
  const results = await Promise.allSettled([batcher.infer(part([1])), batcher.infer(part([2]))]);
  assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
  assert.equal((await batcher.infer(part([3]))).rows, 1);
});

test('requests whose tensors differ past the batch dimension never share a call', async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher(
    async (input) => {
      calls.push(input.rows);
      return { rows: input.rows, tensors: { y: input.tensors.x! } };
    },
    { maxBatchSize: 32, maxDelayMs: 0 },
  );
  const wide = { rows: 1, tensors: { x: { type: 'float32', data: Float32Array.from([1, 2, 3]), rowShape: [3] } } };
  const narrow = { rows: 1, tensors: { x: { type: 'float32', data: Float32Array.from([7, 8]), rowShape: [2] } } };
  const [a, b, c] = await Promise.all([batcher.infer(narrow), batcher.infer(wide), batcher.infer(narrow)]);
  assert.deepEqual([a, b, c].map((output) => Array.from(output.tensors.y!.data as Float32Array)), [[7, 8], [1, 2, 3], [7, 8]]);
  assert.deepEqual(calls, [2, 1]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreparationLane } from './preparation-lane.js';

/** A stage as the pipeline treats one with a delegate: prepared in the lane, then handed over (an I/O wait). */
async function stage(lane: PreparationLane, index: number, events: string[]): Promise<void> {
  const leave = await lane.enter();
  events.push(`enter ${index}`);
  for (let step = 0; step < 5; step++) await Promise.resolve(); // hashing deps, the run-cache lookup
  events.push(`prepared ${index}`);
  leave();
  await new Promise((resolve) => setImmediate(resolve)); // the queue's answer
  events.push(`handed over ${index}`);
}

test('stages enter the lane one at a time, in the order they came', async () => {
  const lane = new PreparationLane();
  const events: string[] = [];
  await Promise.all([0, 1, 2].map((index) => stage(lane, index, events)));
  const entries = events.filter((event) => !event.startsWith('handed'));
  assert.deepEqual(entries, ['enter 0', 'prepared 0', 'enter 1', 'prepared 1', 'enter 2', 'prepared 2']);
});

test('the first stage is handed over before the last one is prepared', async () => {
  const lane = new PreparationLane();
  const events: string[] = [];
  await Promise.all(Array.from({ length: 50 }, (_, index) => stage(lane, index, events)));
  assert.ok(events.indexOf('handed over 0') < events.indexOf('prepared 49'), events.join(', '));
  assert.equal(events.filter((event) => event.startsWith('handed over')).length, 50);
});

test('a stage that fails while preparing lets the next one in', async () => {
  const lane = new PreparationLane();
  const failing = (async () => {
    const leave = await lane.enter();
    try {
      throw new Error('the deps could not be hashed');
    } finally {
      leave();
    }
  })();
  await assert.rejects(failing, /could not be hashed/);
  const leave = await lane.enter();
  leave();
  leave(); // twice is harmless
});

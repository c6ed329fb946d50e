import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartTurns } from './start-turns.js';

/** A stage as the pipeline treats one with a delegate: prepared (promise continuations only), then handed over (an I/O wait). */
async function stage(turns: StartTurns, index: number, events: string[], handover: () => Promise<void>): Promise<void> {
  await turns.turn();
  events.push(`start ${index}`);
  for (let step = 0; step < 5; step++) await Promise.resolve(); // hashing deps through the stat cache, the run-cache lookup
  events.push(`prepared ${index}`);
  await handover();
  events.push(`handed over ${index}`);
}

const queueAnswer = () => new Promise<void>((resolve) => setImmediate(resolve));

test('stages start in the order they came', async () => {
  const turns = new StartTurns();
  const events: string[] = [];
  await Promise.all([0, 1, 2].map((index) => stage(turns, index, events, queueAnswer)));
  assert.deepEqual(events.filter((event) => event.startsWith('start')), ['start 0', 'start 1', 'start 2']);
});

test('the first stage is handed over before the last one is prepared', async () => {
  const turns = new StartTurns();
  const events: string[] = [];
  await Promise.all(Array.from({ length: 50 }, (_, index) => stage(turns, index, events, queueAnswer)));
  assert.ok(events.indexOf('handed over 0') < events.indexOf('prepared 49'), events.join(', '));
  assert.equal(events.filter((event) => event.startsWith('handed over')).length, 50);
});

test('a stage that waits long (a large dep hashed, a pull) holds up none of the later ones', async () => {
  const turns = new StartTurns();
  const events: string[] = [];
  let release: () => void = () => undefined;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const stages = [stage(turns, 0, events, () => slow), ...[1, 2, 3].map((index) => stage(turns, index, events, queueAnswer))];
  await Promise.all(stages.slice(1));
  assert.deepEqual(events.filter((event) => event.startsWith('handed over')), ['handed over 1', 'handed over 2', 'handed over 3']);
  release();
  await stages[0];
  assert.equal(events.at(-1), 'handed over 0');
});

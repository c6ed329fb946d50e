/** Tasks under one key take turns; other keys run alongside; failures pass through and keys are forgotten. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyedSerializer } from './keyed-serializer.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A task that notes its start and end in `events` around a tick, and resolves with its name. */
const noting = (events: string[], name: string) => async () => {
  events.push(`${name} start`);
  await tick();
  events.push(`${name} end`);
  return name;
};

describe('keyed serializer', () => {
  test('tasks under one key run one at a time, in the order asked', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const results = await Promise.all([serializer.run('x', noting(events, 'a')), serializer.run('x', noting(events, 'b'))]);
    assert.deepEqual(results, ['a', 'b']);
    assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end']);
  });

  test('tasks under different keys run at the same time', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    await Promise.all([serializer.run('x', noting(events, 'a')), serializer.run('y', noting(events, 'b'))]);
    assert.deepEqual(events.slice(0, 2), ['a start', 'b start']);
  });

  test('a task that fails rejects its caller and does not stop the next one', async () => {
    const serializer = new KeyedSerializer();
    const failing = serializer.run('x', async () => {
      throw new Error('storage unavailable');
    });
    const next = serializer.run('x', async () => 'ran');
    await assert.rejects(failing, /storage unavailable/);
    assert.equal(await next, 'ran');
  });

  test('a key with nothing queued is forgotten', async () => {
    const serializer = new KeyedSerializer();
    await serializer.run('x', async () => undefined);
    await tick();
    assert.equal(serializer.busyKeys, 0);
  });
});

/** A request asked of every worker is answered when each has answered or exited. */
import assert from 'node:assert/strict';
import type { Worker } from 'node:cluster';
import { describe, test } from 'node:test';
import { WorkerFanOut } from './worker-fan-out.js';

function fakeWorker(connected = true): Worker {
  return { isConnected: () => connected } as unknown as Worker;
}

function fanOut(): { fan: WorkerFanOut<string>; completed: { origin: Worker; id: string; parts: string[] }[] } {
  const completed: { origin: Worker; id: string; parts: string[] }[] = [];
  return { fan: new WorkerFanOut<string>((origin, id, parts) => completed.push({ origin, id, parts })), completed };
}

describe('worker fan-out', () => {
  test('answers the asking worker once every connected worker has answered', () => {
    const { fan, completed } = fanOut();
    const [a, b, gone] = [fakeWorker(), fakeWorker(), fakeWorker(false)];
    const asked: Worker[] = [];
    fan.start('r1', a, [a, b, gone], (worker) => asked.push(worker));
    assert.deepEqual(asked, [a, b]);
    fan.answer('r1', a, 'from a');
    assert.equal(completed.length, 0);
    fan.answer('r1', b, 'from b');
    assert.deepEqual(completed, [{ origin: a, id: 'r1', parts: ['from a', 'from b'] }]);
  });

  test('a worker that exits before answering is no longer waited for', () => {
    const { fan, completed } = fanOut();
    const [a, b] = [fakeWorker(), fakeWorker()];
    fan.start('r1', a, [a, b], () => undefined);
    fan.answer('r1', a, 'from a');
    fan.exited(b);
    assert.deepEqual(completed, [{ origin: a, id: 'r1', parts: ['from a'] }]);
  });

  test('an answer to a request already answered is dropped', () => {
    const { fan, completed } = fanOut();
    const a = fakeWorker();
    fan.start('r1', a, [a], () => undefined);
    fan.answer('r1', a, 'first');
    fan.answer('r1', a, 'again');
    assert.equal(completed.length, 1);
  });
});

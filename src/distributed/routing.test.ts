/** Which queue a stage goes to, and which queues a worker listens to. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStageLabel } from '../pipeline/index.js';
import { queueNameFor, queuesForWorker } from './routing.js';

test('a stage reaches the workers carrying every label it names, whatever their order', () => {
  const queues = queuesForWorker('1.0.0', ['gpu', 'bigmem']);
  assert.ok(queues.includes(queueNameFor('1.0.0', ['bigmem', 'gpu'])));
  assert.ok(queues.includes(queueNameFor('1.0.0', [])));
  assert.ok(!queuesForWorker('1.0.0', ['gpu']).includes(queueNameFor('1.0.0', ['gpu', 'bigmem'])));
});

test('a label named twice is the same set: the stage goes where workers with it listen', () => {
  assert.ok(queuesForWorker('1.0.0', ['gpu']).includes(queueNameFor('1.0.0', ['gpu', 'gpu'])));
});

test('"any" is not a label: it names the queue of stages without labels', () => {
  assert.equal(isStageLabel('any'), false);
  assert.equal(isStageLabel('any=x'), true);
});

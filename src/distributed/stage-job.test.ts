/** The ids of stage jobs on the queue. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobIdFor } from './stage-job.js';

test('a stage named with a colon (a foreach item such as a:1) gets a job id BullMQ accepts, distinct from other names', () => {
  const ids = ['train@a:1', 'train@a%3A1', 'train@a1'].map((stage) => jobIdFor('run-1', stage));
  assert.ok(ids.every((id) => !id.includes(':')));
  assert.equal(new Set(ids).size, 3);
  assert.equal(jobIdFor('run-1', 'train'), 'run-1.train');
});

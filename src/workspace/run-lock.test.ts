/** One `sluice run` at a time; a run whose records stayed open hands its id to the next run. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { acquireRunLock } from './run-lock.js';

test('after a normal release the next holder gets no run to close', (t) => {
  const temp = makeTempDir();
  t.after(() => temp.remove());
  const path = join(temp.path, 'run.lock');
  const first = acquireRunLock(path);
  first.setRunId('run-1');
  first.release();
  const second = acquireRunLock(path);
  assert.equal(second.abandonedRunId, undefined);
  second.release();
});

test('a run released unclosed hands its id to the next holder, which is not refused', (t) => {
  const temp = makeTempDir();
  t.after(() => temp.remove());
  const path = join(temp.path, 'run.lock');
  const lost = acquireRunLock(path);
  lost.setRunId('run-lost');
  lost.releaseUnclosed();
  const next = acquireRunLock(path);
  assert.equal(next.abandonedRunId, 'run-lost');
  next.release();
  assert.equal(acquireRunLock(path).abandonedRunId, undefined, 'handed over once');
});

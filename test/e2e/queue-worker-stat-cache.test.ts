/**
 * A queue worker keeps its checkout's stat cache in memory between jobs (rewriting it after every
 * stage cost more than the stage's own bookkeeping) and writes it when it stops: the hashes it
 * computed are there for its next start.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluiceAsync, stopProcess } from '../support/cli.js';
import { queueBench, type QueueBench } from '../support/queue.js';

const PIPELINE = [
  'stages:',
  '  first:',
  '    cmd: cat in.txt > out/first.txt',
  '    deps: [in.txt]',
  '    outs: [out/first.txt]',
  '  second:',
  '    cmd: cat in.txt > out/second.txt',
  '    deps: [in.txt]',
  '    outs: [out/second.txt]',
  '',
].join('\n');

let bench: QueueBench;
before(() => {
  bench = queueBench({ 'sluice.yaml': PIPELINE, 'in.txt': 'the input\n' });
});
after(() => bench.close());

test('a worker that stopped has written the hashes of the deps its stages read', async () => {
  const worker = await bench.startWorker('w1');
  const run = await sluiceAsync(bench.clone('submitter'), ['run', '--executor', 'queue', '--queue', bench.url]);
  assert.equal(run.code, 0, run.stderr);
  await stopProcess(worker, 10_000);
  assert.equal(worker.exitCode, 0);

  // Rows are inode, size, mtime, hash and path, tab-separated.
  const rows = readFileSync(join(bench.dir, 'w1', '.sluice', 'tmp', 'stat-cache', 'files.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
  assert.ok(rows.some((fields) => fields.length === 5 && fields[4] === 'in.txt'), `in.txt is not in the worker's stat cache: ${JSON.stringify(rows)}`);
});

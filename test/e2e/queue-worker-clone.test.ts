/**
 * A worker's own clone: started clean on a branch, it is detached at its commit as the worker
 * starts (as a first job's checkout would leave it), so that job runs there without checking out
 * again, and what its stages write to tracked files never makes the clone look like someone's
 * work in progress to a restarted worker. A clone with changes runs its jobs on the commit's files.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluiceAsync, startSluice, stopProcess } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';
import { git, queueBench, type QueueBench } from '../support/queue.js';

// metrics.txt is committed, as metrics kept in git are: the stage rewrites a tracked file.
const PIPELINE = ['stages:', '  count:', '    cmd: wc -c < in.txt > metrics.txt', '    deps: [in.txt]', '    outs: [{ metrics.txt: { cache: false } }]', ''].join('\n');

let bench: QueueBench;
before(() => {
  bench = queueBench({ 'sluice.yaml': PIPELINE, 'in.txt': 'twelve bytes', 'metrics.txt': 'not counted yet\n' });
});
after(() => bench.close());

/** Starts a worker in an existing clone; resolves once it says it takes stages. */
async function restartWorker(clone: string, name: string): Promise<ReturnType<typeof startSluice> & { log: () => string }> {
  const worker = startSluice(clone, ['worker', '--queue', bench.url, '--name', name]) as ReturnType<typeof startSluice> & { log: () => string };
  let log = '';
  worker.log = () => log;
  worker.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  worker.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  try {
    await pollUntil(() => (/takes stages from/.test(log) ? true : worker.exitCode !== null ? Promise.reject(new Error(log)) : undefined), `worker ${name} restarted`, 20_000);
  } catch (error) {
    await stopProcess(worker, 10_000);
    throw error;
  }
  return worker;
}

test('a worker started on a clean branch detaches its clone at that commit, and restarts there after a stage rewrote a tracked file', async () => {
  const worker = await bench.startWorker('w1');
  const clone = join(bench.dir, 'w1');
  const head = git(bench.origin, 'rev-parse', 'HEAD').trim();
  assert.equal(git(clone, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'HEAD');
  assert.equal(git(clone, 'rev-parse', 'HEAD').trim(), head);
  assert.equal(git(clone, 'rev-parse', 'main').trim(), head, 'the branch is left where it was');

  const run = await sluiceAsync(bench.clone('submitter'), ['run', '--executor', 'queue', '--queue', bench.url]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(readFileSync(join(clone, 'metrics.txt'), 'utf8').trim(), '12');

  await stopProcess(worker, 10_000);
  const again = await restartWorker(clone, 'w1');
  assert.deepEqual(await stopProcess(again, 10_000), { code: 0, signal: null }, again.log());
});

test('a worker whose detached clone has a changed tracked file runs its jobs on the files of the job\'s commit', async () => {
  const clone = bench.clone('w2');
  git(clone, 'checkout', '-q', '--detach');
  writeFileSync(join(clone, 'in.txt'), 'a local edit that is not committed');
  const worker = await restartWorker(clone, 'w2');
  try {
    const run = await sluiceAsync(bench.clone('submitter-2'), ['run', '--executor', 'queue', '--queue', bench.url]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(join(clone, 'in.txt'), 'utf8'), 'twelve bytes');
    assert.equal(readFileSync(join(clone, 'metrics.txt'), 'utf8').trim(), '12');
  } finally {
    await stopProcess(worker, 10_000);
  }
});

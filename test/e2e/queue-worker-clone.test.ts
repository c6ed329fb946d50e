/**
 * A worker's own clone: started clean on a branch, it is detached at its commit as the worker
 * starts (as a first job's checkout would leave it), so that job runs there without checking out
 * again, and what its stages write to tracked files never makes the clone look like someone's
 * work in progress to a restarted worker.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluiceAsync, startSluice, stopProcess } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';
import { git, queueBench, type QueueBench } from '../support/queue.js';

const PIPELINE = ['stages:', '  count:', '    cmd: wc -c < in.txt > metrics.txt', '    deps: [in.txt]', '    outs: [{ metrics.txt: { cache: false } }]', ''].join('\n');

let bench: QueueBench;
before(() => {
  // metrics.txt is committed, as metrics kept in git are: the stage rewrites a tracked file.
  bench = queueBench({ 'sluice.yaml': PIPELINE, 'in.txt': 'twelve bytes', 'metrics.txt': 'not counted yet\n' });
});
after(() => bench.close());

test('a worker started on a clean branch detaches its clone at that commit before taking jobs', async () => {
  const worker = await bench.startWorker('w1');
  const clone = join(bench.dir, 'w1');
  assert.equal(git(clone, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'HEAD');
  assert.equal(git(clone, 'rev-parse', 'HEAD').trim(), git(bench.origin, 'rev-parse', 'HEAD').trim());
  assert.equal(git(clone, 'rev-parse', 'main').trim(), git(bench.origin, 'rev-parse', 'HEAD').trim(), 'the branch is left where it was');

  const run = await sluiceAsync(bench.clone('submitter'), ['run', '--executor', 'queue', '--queue', bench.url]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(readFileSync(join(clone, 'metrics.txt'), 'utf8').trim(), '12');

  // The stage changed a tracked file in the worker's clone: a restarted worker takes jobs there.
  await stopProcess(worker, 10_000);
  const again = startSluice(clone, ['worker', '--queue', bench.url, '--name', 'w1']);
  let log = '';
  again.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  again.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  await pollUntil(() => (/takes stages from/.test(log) ? true : again.exitCode !== null ? Promise.reject(new Error(log)) : undefined), 'the restarted worker', 20_000);
  assert.equal((await stopProcess(again, 10_000)).code, 0, log);
});

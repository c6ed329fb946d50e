/**
 * The queue executor's bad inputs: nothing hangs, and each message names what is wrong and the
 * timeout it waited: an unreachable Redis, a stage needing a label no worker has, a worker of
 * another Sluice version, a malformed queue URL.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { killProcess, SLUICE_BIN, sluice, sluiceAsync, startSluice, stopProcess } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { git, queueBench, workerLog, type QueueBench } from '../support/queue.js';

const PIPELINE = ['stages:', '  train:', '    cmd: echo model > model.txt', '    deps: [data.txt]', '    outs: [model.txt]', '    labels: [gpu]', ''].join('\n');
const UNLABELLED = PIPELINE.replace('    labels: [gpu]\n', '');

describe('queue executor: bad input', () => {
  const benches: QueueBench[] = [];
  after(() => Promise.all(benches.map((bench) => bench.close())));
  const bench = (files: Record<string, string>) => {
    const made = queueBench(files);
    benches.push(made);
    return made;
  };

  test('an unreachable Redis fails the run at once with exit 3, naming the URL and the timeout', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const result = sluice(project.clone('submitter'), ['run', '--executor', 'queue', '--queue', 'redis://127.0.0.1:1']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);
  });

  test('a worker given an unreachable Redis exits 3 with the same message, and a redis-cli command that can be pasted', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const result = sluice(project.clone('worker'), ['worker', '--queue', 'redis://127.0.0.1:1/0?prefix=team']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0\?prefix=team \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);
    assert.match(result.stderr, /`redis-cli -u redis:\/\/127\.0\.0\.1:1\/0 ping`/);
  });

  test('a queue URL naming a database Redis does not have is a usage error (exit 2), not database 0', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    for (const args of [['workers'], ['queue', 'status'], ['worker']]) {
      const result = sluice(project.clone(`db-${args.join('-')}`), [...args, '--queue', 'redis://127.0.0.1:6379/99999']);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /Redis at redis:\/\/127\.0\.0\.1:6379\/99999 has no database 99999/);
    }
  });

  test('a queue URL that is not redis:// is a usage error (exit 2)', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const result = sluice(project.clone('submitter'), ['run', '--executor', 'queue', '--queue', 'http://127.0.0.1:6379']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /the scheme is http, not redis/);
  });

  test('a queue URL with an unknown parameter (a misspelt prefix) is a usage error, not the shared default prefix', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const result = sluice(project.origin, ['workers', '--queue', 'redis://127.0.0.1:6379?prefx=mine']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /unknown parameter "prefx" \(the only one is prefix\)/);
  });

  test('--queue alone runs on the queue; with --executor local it is a usage error', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const submitter = project.clone('submitter');
    const alone = sluice(submitter, ['run', '--queue', 'redis://127.0.0.1:1']);
    assert.equal(alone.code, 3, alone.stderr);
    assert.match(alone.stderr, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    const both = sluice(submitter, ['run', '--executor', 'local', '--queue', project.url]);
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--executor local runs stages here: drop one of them/);
    assert.equal(existsSync(join(submitter, 'model.txt')), false, 'nothing ran');
  });

  test('a broken .sluice/config.yaml is reported as such by the queue commands, not as a missing queue URL', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const clone = project.clone('configured');
    writeFileSync(join(clone, '.sluice', 'config.yaml'), `executor:\n  queue: ${project.url}\n  worker_timeout: 5\n`);
    const result = sluice(clone, ['workers']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /config\.yaml/);
    assert.match(result.stderr, /worker_timeout/);
    assert.doesNotMatch(result.stderr, /needs the queue's Redis URL/);
  });

  test('a stage needing a label no worker has fails after the worker timeout, naming the workers there', async () => {
    const project = bench({ 'sluice.yaml': PIPELINE, 'data.txt': 'x\n' });
    await project.startWorker('cpu-only', ['--labels', 'bigmem']);
    const result = await sluiceAsync(project.clone('submitter'), ['run', '--executor', 'queue', '--queue', project.url, '--worker-timeout', '2']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /No worker could take stage "train" for 2 s: it needs a worker on Sluice [^ ]+ with labels gpu/);
    assert.match(result.stderr, /cpu-only \(Sluice [^,]+, labels bigmem\)/);
  });

  test('a worker started in a checkout with uncommitted changes refuses to start, and the changes stay', () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const mine = project.clone('mine');
    writeFileSync(join(mine, 'data.txt'), 'work in progress\n');
    const result = sluice(mine, ['worker', '--queue', project.url]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /has uncommitted changes \(data\.txt\): a worker checks out each job's commit in its clone by force/);
    assert.match(result.stderr, /Start the worker in a clone of its own/);
    assert.equal(readFileSync(join(mine, 'data.txt'), 'utf8'), 'work in progress\n');
  });

  test('a stage on a registry model, run by a worker that shares no registry with the submitter, says so', async () => {
    const gated = ['stages:', '  gate:', '    cmd: echo checked > gate.txt', '    deps: [models:/bc@champion]', '    outs: [gate.txt]', ''].join('\n');
    const project = bench({ 'sluice.yaml': gated });
    await project.startWorker('own-db');
    const submitter = project.clone('submitter');
    const registered = sluice(submitter, ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'bc', '--alias', 'champion']);
    assert.equal(registered.code, 0, registered.stderr);
    const result = await sluiceAsync(submitter, ['run', '--queue', project.url]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /the worker resolves models:\/bc@champion to another model version than the submitting checkout, or finds none \(it has no registry shared with the submitter\)/);
    assert.match(result.stderr, /a team server \(server: in \.sluice\/config\.yaml\) or one database/);
    assert.doesNotMatch(result.stderr, /commit and push/);
  });

  test('a sweep on an unreachable queue stops once with exit 3, before any experiment starts', () => {
    const swept = ['stages:', '  train:', '    cmd: echo ${lr} > model.txt', '    params: [lr]', '    outs: [model.txt]', ''].join('\n');
    const project = bench({ 'sluice.yaml': swept, 'params.yaml': 'lr: 0.1\n' });
    const result = sluice(project.clone('sweeper'), ['exp', 'run', '-S', 'lr=0.1,0.2', '--queue', 'redis://127.0.0.1:1']);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stderr.match(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/g)?.length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /experiments did not succeed/);
  });

  test('a worker restarted at once after it was killed takes its name back', async () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    await killProcess(await project.startWorker('phoenix'));
    // In the same clone, as a supervisor restarts it, while the dead one's presence has not lapsed.
    const again = startSluice(join(project.dir, 'phoenix'), ['worker', '--queue', project.url, '--name', 'phoenix']);
    let log = '';
    again.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    try {
      await pollUntil(() => (/worker phoenix .*takes stages from/.test(log) ? true : again.exitCode !== null ? Promise.reject(new Error(log)) : undefined), 'the restarted worker', 20_000);
    } finally {
      await stopProcess(again, 10_000);
    }
  });

  test('queue cancel with the 8 characters of a run id that sluice workers shows ends that run, its waiting stage removed', async () => {
    const project = bench({ 'sluice.yaml': PIPELINE, 'data.txt': 'x\n' });
    const run = sluiceAsync(project.clone('submitter'), ['run', '--queue', project.url, '--worker-timeout', '120']);
    const runId = await pollUntil(() => {
      const status = sluice(project.origin, ['queue', 'status', '--queue', project.url, '--json']);
      return (JSON.parse(status.stdout) as { runs: { runId: string }[] }).runs[0]?.runId;
    }, 'the run on the queue', 20_000);
    const cancelled = sluice(project.origin, ['queue', 'cancel', runId.slice(0, 8), '--queue', project.url]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`Cancelled run ${runId}: 1 waiting stage removed`));
    const result = await run;
    assert.notEqual(result.code, 0, result.stderr);
    assert.match(result.stderr, /the run was cancelled/);
  });

  test('a commit that moves cache.dir to the shared one is followed by a running worker, without a restart', async () => {
    const project = queueBench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' }, { config: 'cache:\n  dir: .sluice/cache\n' });
    benches.push(project);
    const worker = await project.startWorker('follower');
    writeFileSync(join(project.origin, '.sluice', 'config.yaml'), `cache:\n  dir: ${project.cacheDir}\n`);
    git(project.origin, 'commit', '-qam', 'share the cache');
    const result = await sluiceAsync(project.clone('submitter'), ['run', '--queue', project.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(workerLog(worker), new RegExp(`cache: ${project.cacheDir}, as the job's commit configures it`));
  });

  test('sluice workers lists each worker with its labels, current job and heartbeat', async () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    await project.startWorker('big', ['--labels', 'gpu,bigmem']);
    const result = sluice(project.origin, ['workers', '--queue', project.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^big\s+bigmem,gpu\s+\S+\s+\S+:\d+\s+running\s+idle\s+\d+\.\d s ago$/m);
  });

  test('a worker of another Sluice version takes nothing; both sides say why', async () => {
    const project = bench({ 'sluice.yaml': UNLABELLED, 'data.txt': 'x\n' });
    const other = join(project.dir, 'sluice-9.9.9');
    const sluiceRoot = join(dirname(SLUICE_BIN), '..');
    mkdirSync(join(other, 'dist'), { recursive: true });
    cpSync(join(sluiceRoot, 'bin'), join(other, 'bin'), { recursive: true });
    cpSync(join(sluiceRoot, 'dist', 'bundle'), join(other, 'dist', 'bundle'), { recursive: true });
    symlinkSync(join(sluiceRoot, 'node_modules'), join(other, 'node_modules'));
    writeFileSync(join(other, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(sluiceRoot, 'package.json'), 'utf8')), version: '9.9.9' }));
    const worker = await project.startWorker('old', [], {}, join(other, 'bin', 'sluice'));

    const result = await sluiceAsync(project.clone('submitter'), ['run', '--executor', 'queue', '--queue', project.url, '--worker-timeout', '3']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /it needs a worker on Sluice 0\.\d+\.\d+.*connected: old \(Sluice 9\.9\.9, labels none\)/);
    await pollUntil(() => (/planned by Sluice 0\.\d+\.\d+, and this worker runs Sluice 9\.9\.9/.test(workerLog(worker)) ? true : undefined), 'the worker saying why', 10_000);
  });
});

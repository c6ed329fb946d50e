/**
 * A worker killed in the middle of a stage (SIGKILL of it and its children, as a crashed machine):
 * BullMQ's stalled-job check gives the stage to another worker, the pipeline succeeds, and the
 * stage completes exactly once; with no other worker, the stage fails after the worker timeout
 * instead of waiting forever.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { killProcess, sluiceAsync } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';
import { queueBench, type QueueBench } from '../support/queue.js';

const SLOW = [
  'touch "$MARKS/slow.$SLUICE_WORKER"',
  'sleep 2',
  'echo slow > slow.txt',
  'echo "slow $SLUICE_WORKER" >> "$EFFECTS"',
  '',
].join('\n');

const PIPELINE = [
  'stages:',
  '  slow:',
  '    cmd: sh slow.sh',
  '    deps: [slow.sh]',
  '    outs: [slow.txt]',
  '  next:',
  '    cmd: cat slow.txt slow.txt > next.txt',
  '    deps: [slow.txt]',
  '    outs: [next.txt]',
  '',
].join('\n');

describe('a worker killed mid-stage', () => {
  let bench: QueueBench | undefined;
  after(() => bench?.close());

  test('its stage completes on another worker and the pipeline succeeds', async () => {
    bench = queueBench({ 'sluice.yaml': PIPELINE, 'slow.sh': SLOW });
    const marks = join(bench.dir, 'marks');
    mkdirSync(marks);
    const env = { EFFECTS: join(bench.dir, 'effects.log'), MARKS: marks };
    const workers = new Map([
      ['w1', await bench.startWorker('w1', ['--stall-timeout', '3'], env)],
      ['w2', await bench.startWorker('w2', ['--stall-timeout', '3'], env)],
    ]);
    const submitter = bench.clone('submitter');
    const run = sluiceAsync(submitter, ['run', '--executor', 'queue', '--queue', bench.url], env);

    const first = await pollUntil(() => readdirSync(marks)[0]?.slice('slow.'.length), 'the slow stage starting', 30_000);
    await killProcess(workers.get(first)!);
    const result = await run;

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`slow: its worker ${first} stopped answering: back in the queue`));
    assert.doesNotMatch(result.stderr, /has it again/, 'the dead worker\'s lingering presence is not taken for it');
    const effects = readFileSync(join(bench.dir, 'effects.log'), 'utf8').trim().split('\n');
    assert.deepEqual(effects, [`slow ${first === 'w1' ? 'w2' : 'w1'}`]);
    assert.equal(readFileSync(join(submitter, 'next.txt'), 'utf8'), 'slow\nslow\n');
  });
});

describe('the only worker killed mid-stage', () => {
  let bench: QueueBench | undefined;
  after(() => bench?.close());

  test('its stage fails after the worker timeout, naming it, instead of the run waiting forever', async () => {
    bench = queueBench({ 'sluice.yaml': PIPELINE, 'slow.sh': SLOW.replace('sleep 2', 'sleep 30') });
    const marks = join(bench.dir, 'marks');
    mkdirSync(marks);
    const env = { EFFECTS: join(bench.dir, 'effects.log'), MARKS: marks };
    const worker = await bench.startWorker('only', ['--stall-timeout', '3'], env);
    const run = sluiceAsync(bench.clone('submitter'), ['run', '--executor', 'queue', '--queue', bench.url, '--worker-timeout', '2'], env);
    await pollUntil(() => (readdirSync(marks).length > 0 ? true : undefined), 'the slow stage starting', 30_000);
    await killProcess(worker);
    const result = await run;

    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /slow: its worker only stopped answering: back in the queue for another worker/);
    assert.match(result.stderr, /No worker could take stage "slow" for 2 s/);
    assert.match(result.stderr, /no worker is connected at all/);
  });
});

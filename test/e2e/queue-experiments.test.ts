/**
 * Issue 17's acceptance for sweeps on the queue: `sluice exp run --queue` over a 3×2 grid sends
 * every experiment's stages to two `sluice worker` processes (each in its own clone), which apply
 * the experiment's params to their checkout of the commit; the submitter records six tracked
 * experiments with the right params and metrics, and `exp show` sorts them by a metric. A
 * workspace with uncommitted code is refused, since workers would not run it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice, sluiceAsync, type CliResult } from '../support/cli.js';
import { queueBench, type QueueBench } from '../support/queue.js';

const PIPELINE = `stages:
  prepare:
    cmd: sort data.txt > prepared.txt
    deps: [data.txt]
    outs: [prepared.txt]
  train:
    cmd: node train.mjs \${train.C} \${train.max_iter}
    deps: [prepared.txt, train.mjs]
    params: [train.C, train.max_iter]
    outs: [model.txt]
    metrics: [metrics.json]
`;

/** A "training" whose score is a known function of its params; it notes which worker ran it. */
const TRAIN = `import { appendFileSync, writeFileSync } from 'node:fs';
const [C, maxIter] = process.argv.slice(2).map(Number);
writeFileSync('model.txt', \`C=\${C} max_iter=\${maxIter}\\n\`);
writeFileSync('metrics.json', JSON.stringify({ score: C + maxIter / 1000 }) + '\\n');
appendFileSync(process.env.EFFECTS, \`train \${process.env.SLUICE_WORKER ?? 'local'} \${C} \${maxIter}\\n\`);
`;

interface ShownExperiment {
  name: string;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

describe('a sweep on two queue workers', () => {
  let bench: QueueBench;
  let submitter: string;
  let result: CliResult;
  const env = (): NodeJS.ProcessEnv => ({ EFFECTS: join(bench.dir, 'effects.log') });

  before(async () => {
    bench = queueBench({ 'sluice.yaml': PIPELINE, 'params.yaml': 'train:\n  C: 1.0  # regularisation\n  max_iter: 100\n', 'data.txt': 'b\na\n', 'train.mjs': TRAIN });
    await Promise.all(['w1', 'w2'].map((name) => bench.startWorker(name, [], env())));
    submitter = bench.clone('submitter');
    result = await sluiceAsync(submitter, ['exp', 'run', '-S', 'train.C=0.1,1,10', '-S', 'train.max_iter=100,500', '--queue', bench.url, '--name', 'grid'], env());
  });
  after(() => bench.close());

  test('the sweep succeeds', () => {
    assert.equal(result.code, 0, result.stderr);
  });

  test('every experiment trained once, on a worker, with its own params', () => {
    const trained = readFileSync(join(bench.dir, 'effects.log'), 'utf8').trim().split('\n').filter((line) => line.startsWith('train '));
    assert.equal(trained.length, 6, trained.join('\n'));
    assert.ok(trained.every((line) => !line.includes(' local ')), 'a stage ran in the submitting process');
    const params = trained.map((line) => line.split(' ').slice(2).join(' ')).sort();
    assert.deepEqual(params, ['0.1 100', '0.1 500', '1 100', '1 500', '10 100', '10 500']);
  });

  test('the submitter records six experiments with the right params and metrics, and exp show sorts them by score', () => {
    const shown = sluice(submitter, ['exp', 'show', '--json', '--sort-by', 'score', '--sort-order', 'desc']);
    assert.equal(shown.code, 0, shown.stderr);
    const experiments = (JSON.parse(shown.stdout) as { experiments: ShownExperiment[] }).experiments;
    assert.equal(experiments.length, 6);
    assert.ok(experiments.every((experiment) => experiment.status === 'FINISHED'), JSON.stringify(experiments.map((experiment) => experiment.status)));
    for (const experiment of experiments) {
      assert.equal(experiment.metrics.score, Number(experiment.params['train.C']) + Number(experiment.params['train.max_iter']) / 1000, experiment.name);
    }
    const scores = experiments.map((experiment) => experiment.metrics.score!);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.equal(scores[0], 10.5);
  });

  test('the workers\' checkouts are back at the commit afterwards (no experiment\'s params left behind)', () => {
    for (const name of ['w1', 'w2']) assert.equal(readFileSync(join(bench.dir, name, 'params.yaml'), 'utf8'), 'train:\n  C: 1.0  # regularisation\n  max_iter: 100\n');
  });

  test('uncommitted code is refused with --queue, naming the commit the workers would run', () => {
    writeFileSync(join(submitter, 'train.mjs'), `${TRAIN}// changed\n`);
    const refused = sluice(submitter, ['exp', 'run', '-S', 'train.C=2', '--queue', bench.url]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /changes that are not committed; queue workers run commit [0-9a-f]{8}/);
    assert.match(refused.stderr, /Commit \(or stash\) the changes/);
  });
});

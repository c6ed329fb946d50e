/**
 * Experiments and sweeps through the real CLI: a 3×2 grid of params overrides run as six
 * isolated, tracked experiments (two at a time), each on the working tree as the user sees it;
 * `exp show` sorting them by a metric; `exp apply` bringing one into the workspace; bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

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

/** A "training" whose score is a known function of its params, plus an offset read from the script. */
const trainScript = (offset: number) => `import { writeFileSync } from 'node:fs';
const [C, maxIter] = process.argv.slice(2).map(Number);
writeFileSync('model.txt', \`C=\${C} max_iter=\${maxIter}\\n\`);
writeFileSync('metrics.json', JSON.stringify({ score: ${offset} + C + maxIter / 1000 }) + '\\n');
`;

interface ShownExperiment {
  name: string;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

function show(root: string, args: readonly string[] = []): ShownExperiment[] {
  const result = sluice(root, ['exp', 'show', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { experiments: ShownExperiment[] }).experiments;
}

describe('sluice exp', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'params.yaml': 'train:\n  C: 1.0  # regularisation\n  max_iter: 100\n', 'data.txt': 'b\na\n', 'train.mjs': trainScript(0) });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'project');
    // Uncommitted: experiments run the working tree as the user sees it, not HEAD.
    writeFileSync(join(repo.root, 'train.mjs'), trainScript(1000));
  });
  after(() => repo.remove());

  test('a 3×2 grid gives six tracked experiments with the right params and metrics', () => {
    const result = sluice(repo.root, ['exp', 'run', '-S', 'train.C=0.1,1,10', '-S', 'train.max_iter=100,500', '-j', '2', '--name', 'grid']);
    assert.equal(result.code, 0, result.stderr);
    const experiments = show(repo.root);
    assert.deepEqual(experiments.map((experiment) => experiment.name), ['grid-1', 'grid-2', 'grid-3', 'grid-4', 'grid-5', 'grid-6']);
    const combos = experiments.map((experiment) => [experiment.params['train.C'], experiment.params['train.max_iter']]);
    assert.deepEqual(combos, [['0.1', '100'], ['0.1', '500'], ['1', '100'], ['1', '500'], ['10', '100'], ['10', '500']]);
    for (const experiment of experiments) {
      assert.equal(experiment.status, 'FINISHED');
      const expected = 1000 + Number(experiment.params['train.C']) + Number(experiment.params['train.max_iter']) / 1000;
      assert.ok(Math.abs(experiment.metrics.score! - expected) < 1e-9, `${experiment.name}: ${experiment.metrics.score} ≠ ${expected}`);
    }
    // The workspace itself is untouched: same params, no outputs, no extra worktree left behind.
    assert.match(readFileSync(join(repo.root, 'params.yaml'), 'utf8'), /C: 1\.0 {2}# regularisation/);
    assert.equal(repo.git('worktree', 'list').trim().split('\n').length, 1);
    const kinds = sluice(repo.root, ['runs', 'list', '--filter', "tags.`sluice.kind` = 'experiment'", '--json']);
    assert.equal(kinds.code, 0, kinds.stderr);
    const runs = (JSON.parse(kinds.stdout) as { runs: { tags: Record<string, string> }[] }).runs;
    assert.equal(runs.length, 6);
    assert.ok(runs.every((run) => run.tags['sluice.exp.sweep'] === 'grid' && /^train\.C=[\d.]+, train\.max_iter=\d+$/.test(run.tags['sluice.exp.summary'] ?? '')));
  });

  test('exp show --sort-by orders the sweep by a metric, either way', () => {
    assert.deepEqual(show(repo.root, ['--sort-by', 'score', '--sort-order', 'desc']).map((experiment) => experiment.name), ['grid-6', 'grid-5', 'grid-4', 'grid-3', 'grid-2', 'grid-1']);
    assert.deepEqual(show(repo.root, ['--sort-by', 'score']).map((experiment) => experiment.name), ['grid-1', 'grid-2', 'grid-3', 'grid-4', 'grid-5', 'grid-6']);
    const table = sluice(repo.root, ['exp', 'show', '--sort-by', 'score', '--sort-order', 'desc']);
    assert.match(table.stdout, /^Experiment +Run +Status +train\.C +train\.max_iter +score$/m);
    assert.ok(table.stdout.indexOf('grid-6') < table.stdout.indexOf('grid-1'));
  });

  test('--random N runs N distinct combinations of the grid, the same ones for the same seed', () => {
    const run = (name: string) => sluice(repo.root, ['exp', 'run', '-S', 'train.C=1,2,3,4', '-S', 'train.max_iter=10,20', '--random', '3', '--seed', '7', '--name', name]);
    assert.equal(run('pick-a').code, 0);
    assert.equal(run('pick-b').code, 0);
    const combos = (sweep: string) => show(repo.root, ['--sweep', sweep]).map((experiment) => `${experiment.params['train.C']}/${experiment.params['train.max_iter']}`);
    assert.equal(new Set(combos('pick-a')).size, 3);
    assert.deepEqual(combos('pick-b'), combos('pick-a'));
  });

  test('exp apply brings one experiment\'s params and outputs into the workspace, which is then up to date', () => {
    const result = sluice(repo.root, ['exp', 'apply', 'grid-5']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(join(repo.root, 'params.yaml'), 'utf8'), /C: 10(\.0)? +# regularisation\n {2}max_iter: 100/);
    assert.equal(readFileSync(join(repo.root, 'model.txt'), 'utf8'), 'C=10 max_iter=100\n');
    assert.deepEqual(JSON.parse(readFileSync(join(repo.root, 'metrics.json'), 'utf8')), { score: 1010.1 });
    const status = sluice(repo.root, ['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /up to date/);
  });

  test('exp apply into a workspace whose params.yaml lost the section or the file is refused, and changes nothing', () => {
    const params = join(repo.root, 'params.yaml');
    const before = readFileSync(params, 'utf8');
    const model = readFileSync(join(repo.root, 'model.txt'), 'utf8');
    try {
      writeFileSync(params, 'train: 5\n');
      const scalar = sluice(repo.root, ['exp', 'apply', 'grid-2']);
      assert.equal(scalar.code, 2, scalar.stderr);
      assert.match(scalar.stderr, /Cannot apply experiment "grid-2": its params cannot be set: params\.yaml no longer has a section "train" to set train\.C in/);
      rmSync(params);
      const gone = sluice(repo.root, ['exp', 'apply', 'grid-2']);
      assert.equal(gone.code, 2, gone.stderr);
      assert.match(gone.stderr, /params\.yaml no longer exists/);
      assert.equal(readFileSync(join(repo.root, 'model.txt'), 'utf8'), model, 'the outputs are untouched');
    } finally {
      writeFileSync(params, before);
    }
  });

  test('--random samples a grid far larger than a sweep may run, and a whole section set to a value is refused up front', () => {
    const values = Array.from({ length: 400 }, (_, k) => k + 1).join(',');
    const sampled = sluice(repo.root, ['exp', 'run', '-S', `train.C=${values}`, '-S', `train.max_iter=${values}`, '--random', '1', '--name', 'huge']);
    assert.equal(sampled.code, 0, sampled.stderr);
    assert.equal(show(repo.root, ['--sweep', 'huge']).length, 1);
    const section = sluice(repo.root, ['exp', 'run', '-S', 'train=1']);
    assert.equal(section.code, 2, section.stderr);
    assert.match(section.stderr, /"train" in params\.yaml is a section, not a value; set one of its keys/);
  });

  test('bad input gets a clear error and exit code 2', () => {
    const typo = sluice(repo.root, ['exp', 'run', '-S', 'train.c=1,2']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /params\.yaml has no param "train\.c" \(did you mean "train\.C"\?\)/);
    const malformed = sluice(repo.root, ['exp', 'run', '-S', 'train.C']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /it is not KEY=VALUE/);
    const unknown = sluice(repo.root, ['exp', 'apply', 'grid-99']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /There is no experiment "grid-99"/);
    const sweep = sluice(repo.root, ['exp', 'show', '--sweep', 'nothing']);
    assert.equal(sweep.code, 2);
    assert.match(sweep.stderr, /There is no sweep "nothing"/);
    const quoted = sluice(repo.root, ['exp', 'show', '--sweep', "x'y"]);
    assert.equal(quoted.code, 2);
    assert.match(quoted.stderr, /--sweep a sweep name is letters, digits/);
    assert.doesNotMatch(quoted.stderr, /Invalid filter/);
  });

  test('a sweep over a sluice.yaml that cannot be read says so once, at its line, and runs nothing', () => {
    const broken = scratchRepo({ 'sluice.yaml': `${PIPELINE}  evaluate:\n    cmd: {bad\n`, 'params.yaml': 'train:\n  C: 1.0\n  max_iter: 100\n', 'data.txt': 'a\n', 'train.mjs': trainScript(0) });
    try {
      assert.equal(sluice(broken.root, ['init']).code, 0);
      const result = sluice(broken.root, ['exp', 'run', '-S', 'train.C=0.1,1']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /sluice\.yaml:\d+:\d+: Not valid YAML/);
      assert.equal(result.stderr.match(/Not valid YAML/g)?.length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /There is no sweep/);
    } finally {
      broken.remove();
    }
  });
});

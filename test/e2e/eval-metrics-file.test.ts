/** What `uses: eval` and `sluice eval --metrics` put in git-tracked metrics, and picking metrics with --targets and --keys. */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const HEADLINE_BINARY = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier', 'ece', 'model_size_bytes'];

describe('sluice eval --metrics', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('writes only the headline metrics as names and numbers, no latency', () => {
    const model = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    const result = sluice(temp.path, ['eval', '--model', model, '--data', sharedFixture('breast_cancer', 'test.csv'), '--target', 'target', '--metrics', 'm.json', '--importance-repeats', '0']);
    assert.equal(result.code, 0, result.stderr);
    const metrics = JSON.parse(readFileSync(join(temp.path, 'm.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(metrics), HEADLINE_BINARY);
    assert.ok(Object.values(metrics).every((value) => typeof value === 'number'));
    assert.match(result.stdout, /Metrics written to m\.json/);
  });

  test('- is stdout for --metrics as for --json: that document alone, and a report asked for is still written', () => {
    const model = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    const data = sharedFixture('breast_cancer', 'test.csv');
    const metrics = sluice(temp.path, ['eval', '--model', model, '--data', data, '--target', 'target', '--metrics', '-', '--importance-repeats', '0']);
    assert.equal(metrics.code, 0, metrics.stderr);
    assert.deepEqual(Object.keys(JSON.parse(metrics.stdout) as object), HEADLINE_BINARY);
    const json = sluice(temp.path, ['eval', '--model', model, '--data', data, '--target', 'target', '--json', '-', '--report', 'both/eval.html', '--importance-repeats', '0']);
    assert.equal(json.code, 0, json.stderr);
    assert.ok((JSON.parse(json.stdout) as { metrics: object }).metrics);
    assert.match(readFileSync(join(temp.path, 'both', 'eval.html'), 'utf8'), /<html/i);
    assert.equal(existsSync(join(temp.path, '-')), false, 'no file named -');
    const both = sluice(temp.path, ['eval', '--model', model, '--data', data, '--target', 'target', '--json', '-', '--metrics', '-']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /cannot both write to stdout/);
  });
});

const PIPELINE = `stages:
  evaluate:
    uses: eval
    with:
      model: models/model.onnx
      data: data/test.csv
      target: target
      metrics: metrics/test.json
      details: reports/eval.json
      bootstrap: 200
      importance_repeats: 0
      seed: 7
  score:
    cmd: sh score.sh
    deps: [score.sh]
    metrics: [metrics/other.json]
`;

/** A stage script writing metrics, nested ones included. */
function score(accuracy: number, f1: number): string {
  return `echo '{"accuracy": ${accuracy}, "f1": ${f1}, "loss": {"train": 1, "test": 2}}' > metrics/other.json\n`;
}

describe('uses: eval and metrics show/diff', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'score.sh': score(0.5, 0.25) });
    mkdirSync(join(repo.root, 'data'));
    mkdirSync(join(repo.root, 'models'));
    mkdirSync(join(repo.root, 'metrics'));
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'models', 'model.onnx'));
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
  });
  after(() => repo.remove());

  test('the stage\'s metrics file holds only metric values; the full evaluation goes to details', () => {
    const text = readFileSync(join(repo.root, 'metrics', 'test.json'), 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(text) as object), HEADLINE_BINARY);
    assert.doesNotMatch(text, /\//, 'no paths in a tracked file');
    const details = JSON.parse(readFileSync(join(repo.root, 'reports', 'eval.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(details.ci, 'bootstrap: 200 gives confidence intervals');
    assert.equal(details.importance, undefined, 'importance_repeats: 0 skips importance');
  });

  test('with: passes bootstrap, importance_repeats and seed to the command', () => {
    const lock = readFileSync(join(repo.root, 'sluice.lock'), 'utf8');
    assert.match(lock, /--bootstrap 200 --importance-repeats 0 --seed 7/);
    assert.match(lock, /--metrics metrics\/test\.json --json reports\/eval\.json/);
  });

  test('metrics show --targets reads only the named files', () => {
    const result = sluice(repo.root, ['metrics', 'show', '--targets', 'metrics/other.json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /metrics\/other\.json\s+accuracy\s+0\.5/);
    assert.doesNotMatch(result.stdout, /metrics\/test\.json/);
  });

  test('metrics show --keys takes globs on metric names', () => {
    const result = sluice(repo.root, ['metrics', 'show', '--keys', 'loss.*', 'f1']);
    assert.equal(result.code, 0, result.stderr);
    const keys = result.stdout.split('\n').filter((line) => line.startsWith('metrics/')).map((line) => line.trim().split(/\s+/)[1]);
    assert.deepEqual(keys, ['f1', 'f1', 'loss.train', 'loss.test']);
  });

  test('metrics show --keys takes a /regex/', () => {
    const result = sluice(repo.root, ['metrics', 'show', '--json', '--keys', '/^(acc|roc)/']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { 'metrics/test.json': { accuracy: JSON.parse(readFileSync(join(repo.root, 'metrics', 'test.json'), 'utf8')).accuracy, roc_auc: JSON.parse(readFileSync(join(repo.root, 'metrics', 'test.json'), 'utf8')).roc_auc }, 'metrics/other.json': { accuracy: 0.5 } });
  });

  test('metrics diff --targets --keys compares only the chosen metrics', () => {
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'baseline');
    repo.write('score.sh', score(0.75, 0.5));
    assert.equal(sluice(repo.root, ['run']).code, 0);
    const result = sluice(repo.root, ['metrics', 'diff', '--json', '--targets', 'metrics/other.json', '--keys', 'acc*']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { metrics: unknown[] }).metrics, [{ path: 'metrics/other.json', key: 'accuracy', old: 0.5, new: 0.75, change: 0.25 }]);
  });

  test('an invalid regex in --keys exits 2 naming it', () => {
    const result = sluice(repo.root, ['metrics', 'show', '--keys', '/(/']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--keys/);
    assert.match(result.stderr, /\/\(\//);
  });

  test('a --targets file that does not exist exits 2, in show and in diff alike', () => {
    for (const command of ['show', 'diff']) {
      const result = sluice(repo.root, ['metrics', command, '--targets', 'metrics/nope.json']);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /metrics\/nope\.json.*SLUICE_PIPELINE_METRICS_TARGET_NOT_FOUND/s);
    }
  });
});

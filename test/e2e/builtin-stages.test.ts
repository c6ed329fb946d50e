/** `uses: train`, `uses: eval` and `uses: gate` stages in a real pipeline run. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `stages:
  train:
    uses: train
    with:
      data: data/train.csv
      target: target
      algorithm: logistic_regression
      params: train.hyperparameters
      features: train.features
      out: models/candidate.onnx
  evaluate:
    uses: eval
    with:
      model: models/candidate.onnx
      data: data/test.csv
      target: target
      metrics: metrics/test.json
  gate:
    uses: gate
gates:
  model: models/candidate.onnx
  data: data/test.csv
  target: target
  baseline: models/production.onnx
  rules:
    - metric: roc_auc
      min: 0.95
    - metric: f1
      max_regression: 0.02
`;

describe('built-in stages', () => {
  let repo: ScratchRepo;
  const params = (C: number, features: string) => `train:\n  features: ${features}\n  hyperparameters:\n    C: ${C}\n`;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'params.yaml': params(1, '[]') });
    mkdirSync(join(repo.root, 'data'));
    mkdirSync(join(repo.root, 'models'));
    copyFileSync(sharedFixture('breast_cancer', 'train.csv'), join(repo.root, 'data', 'train.csv'));
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'models', 'production.onnx'));
  });
  after(() => repo.remove());

  test('train, eval and gate run as stages and record their metrics', () => {
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\$ sluice train --data data\/train\.csv --target target --algorithm logistic_regression --params C=1 --out models\/candidate\.onnx/);
    assert.match(result.stdout, /gate\s+ran/);
    const summary = JSON.parse(readFileSync(join(repo.root, 'metrics', 'gate.json'), 'utf8')) as { passed: boolean; candidate: { roc_auc: number } };
    assert.equal(summary.passed, true);
    assert.match(sluice(repo.root, ['metrics', 'show']).stdout, /metrics\/test\.json\s+roc_auc\s+0\.99/);
  });

  test('a second run is a no-op', () => {
    assert.match(sluice(repo.root, ['run']).stdout, /Pipeline is up to date/);
  });

  test('a hyperparameter change reads as a param change, not a changed command', () => {
    writeFileSync(join(repo.root, 'params.yaml'), params(0.5, '[]'));
    const status = sluice(repo.root, ['status']).stdout;
    assert.match(status, /train: changed\n\s+param changed: train\.hyperparameters\.C 1 → 0\.5\n/);
    assert.doesNotMatch(status, /cmd changed/);
  });

  test('a weak model is stopped by the gate stage, exit 1, with the failed rules named', () => {
    writeFileSync(join(repo.root, 'params.yaml'), params(1, '[mean_texture, mean_smoothness, mean_symmetry]'));
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /The gate failed 2 of 2 rules \(roc_auc, f1\)/);
    assert.match(result.stdout, /gate\s+failed/);
  });

  test('the metadata store records the gate verdict with the pipeline run', () => {
    const { runs } = JSON.parse(sluice(repo.root, ['runs', '--json', '--limit', '1']).stdout) as { runs: { status: string; metrics: Record<string, number> }[] };
    assert.equal(runs[0]?.status, 'FAILED');
    assert.equal(runs[0]?.metrics.passed, 0);
    const gates = JSON.parse(sluice(repo.root, ['runs', '--json', '--all', '--filter', "tags.sluice.kind = 'gate'", '--limit', '1']).stdout) as { runs: { status: string; tags: Record<string, string> }[] };
    assert.equal(gates.runs[0]?.status, 'FAILED');
    assert.equal(gates.runs[0]?.tags['sluice.gate.verdict'], 'failed');
    assert.equal(gates.runs[0]?.tags['sluice.gate.failed_rules'], 'roc_auc, f1');
  });

  test('a mistake in a with block is located, with the closest key', () => {
    writeFileSync(join(repo.root, 'sluice.yaml'), PIPELINE.replace('algorithm: logistic_regression', 'algoritm: logistic_regression'));
    const result = sluice(repo.root, ['status']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /sluice\.yaml:7:7: .*unknown key "algoritm"\. Did you mean "algorithm"\?/);
    writeFileSync(join(repo.root, 'sluice.yaml'), PIPELINE);
  });

  test('a gate stage needs a gates section', () => {
    writeFileSync(join(repo.root, 'sluice.yaml'), PIPELINE.slice(0, PIPELINE.indexOf('gates:')));
    const result = sluice(repo.root, ['status']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /stage "gate" uses gate, but sluice\.yaml has no gates section/);
    writeFileSync(join(repo.root, 'sluice.yaml'), PIPELINE);
  });
});

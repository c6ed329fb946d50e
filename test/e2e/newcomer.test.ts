/**
 * A first-time user's project, made from scratch rather than copied from the example: wine
 * (multiclass) and diabetes (regression) in one sluice.yaml with a gate set each, a validate
 * stage guarding the wine data, and the mistakes a newcomer makes: bad data, a file that is not a
 * model, a misspelt gate metric. Each must be caught, and named, before a wrong model moves on.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `stages:
  check_wine:
    uses: validate
    with: {data: data/wine_train.csv, schema: data/wine.schema.yaml}
  train_wine:
    uses: train
    with: {data: data/wine_train.csv, target: cultivar, algorithm: logistic_regression, out: models/wine.onnx}
  gate_wine:
    uses: gate
    with: {gate: wine}
  train_diabetes:
    uses: train
    with: {data: data/diabetes_train.csv, target: progression, algorithm: ridge, out: models/diabetes.onnx}
  gate_diabetes:
    uses: gate
    with: {gate: diabetes}
gates:
  wine:
    model: models/wine.onnx
    data: data/wine_test.csv
    target: cultivar
    rules:
      - {metric: accuracy, min: 0.9}
      - {metric: f1_macro, min: 0.9}
  diabetes:
    model: models/diabetes.onnx
    data: data/diabetes_test.csv
    target: progression
    rules:
      - {metric: r2, min: 0.3}
      - {metric: rmse, max: 70}
`;

describe('a newcomer\'s own project', { timeout: 300_000 }, () => {
  let repo: ScratchRepo;
  const run = (...args: string[]) => sluice(repo.root, args);
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE });
    for (const name of ['wine_train', 'wine_test', 'diabetes_train', 'diabetes_test']) {
      repo.write(`data/${name}.csv`, readFileSync(repoFixture('newcomer', `${name}.csv`), 'utf8'));
    }
    const inferred = run('schema', 'infer', 'data/wine_train.csv', '-o', 'data/wine.schema.yaml');
    assert.equal(inferred.code, 0, inferred.stderr);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'wine and diabetes');
  });
  after(() => repo.remove());

  test('both models train and pass their own gate sets in one run, two stages at a time', () => {
    const result = run('run', '-j', '2');
    assert.equal(result.code, 0, result.stderr);
    const wine = JSON.parse(readFileSync(join(repo.root, 'metrics', 'gate-wine.json'), 'utf8')) as { passed: boolean; candidate: Record<string, number> };
    const diabetes = JSON.parse(readFileSync(join(repo.root, 'metrics', 'gate-diabetes.json'), 'utf8')) as { passed: boolean; candidate: Record<string, number> };
    assert.equal(wine.passed, true);
    assert.ok(wine.candidate.f1_macro! >= 0.9, `wine f1_macro ${wine.candidate.f1_macro}`);
    assert.equal(diabetes.passed, true);
    assert.ok(diabetes.candidate.r2! > 0.3, `diabetes r2 ${diabetes.candidate.r2}`);
  });

  test('a bad row stops the validate stage and the wine model is not retrained, even under -j 2', () => {
    const model = readFileSync(join(repo.root, 'models', 'wine.onnx'));
    const bad = readFileSync(join(repo.root, 'data', 'wine_train.csv'), 'utf8').replace(/\n[^,\n]+,/, '\n-13.2,');
    writeFileSync(join(repo.root, 'data', 'wine_train.csv'), bad);
    const result = run('run', '-j', '2');
    assert.equal(result.code, 1);
    assert.match(result.stderr + result.stdout, /alcohol · min: 1 row/);
    assert.match(result.stdout + result.stderr, /train_wine[^\n]*skipped/);
    assert.deepEqual(readFileSync(join(repo.root, 'models', 'wine.onnx')), model, 'the wine model was not rebuilt from bad data');
    repo.git('checkout', '-q', '--', 'data/wine_train.csv');
  });

  test('a misspelt gate metric is a configuration error at its line, not a failing model', () => {
    const yaml = readFileSync(join(repo.root, 'sluice.yaml'), 'utf8');
    writeFileSync(join(repo.root, 'sluice.yaml'), yaml.replace('{metric: accuracy, min: 0.9}', '{metric: acuracy, min: 0.9}'));
    const result = run('gate', '--gate', 'wine');
    writeFileSync(join(repo.root, 'sluice.yaml'), yaml);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /sluice\.yaml:\d+:\d+: .*"acuracy".*Did you mean "accuracy"\?/);
    assert.doesNotMatch(result.stderr, /Improve it/);
  });

  test('registering a file that is not an ONNX model is refused, and no alias points at it', () => {
    writeFileSync(join(repo.root, 'notes.txt'), 'not a model\n');
    copyFileSync(join(repo.root, 'notes.txt'), join(repo.root, 'model.pkl'));
    for (const file of ['notes.txt', 'model.pkl']) {
      const result = run('models', 'register', file, '--name', 'wine', '--alias', 'champion');
      assert.equal(result.code, 2, `${file}: ${result.stdout}`);
      assert.match(result.stderr, new RegExp(`${file.replace('.', '\\.')}.*not an ONNX model`, 'i'));
    }
    assert.equal(run('models', 'show', 'wine@champion').code, 2, 'nothing was registered');
    assert.ok(existsSync(join(repo.root, 'models', 'wine.onnx')));
  });
});

/**
 * The registry in a pipeline, driven through the real CLI: the gate's baseline is the
 * registry's champion, a registered pipeline output gets its lineage without extra flags, and
 * moving the champion reruns exactly the gate.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `stages:
  prepare:
    cmd: mkdir -p data/prepared && head -n 301 data/train.csv > data/prepared/fit.csv
    deps: [data/train.csv]
    outs: [data/prepared/]
  train:
    uses: train
    with:
      data: data/prepared/fit.csv
      target: target
      algorithm: logistic_regression
      params: train.hyperparameters
      out: models/candidate.onnx
  gate:
    uses: gate
gates:
  model: models/candidate.onnx
  data: data/test.csv
  target: target
  baseline: models:/breast-cancer@champion
  rules:
    - metric: roc_auc
      min: 0.9
    - metric: f1
      max_regression: 0.05
`;

describe('the registry in a pipeline', () => {
  let repo: ScratchRepo;
  let commit: string;
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'params.yaml': 'train:\n  hyperparameters:\n    C: 0.5\n' });
    mkdirSync(join(repo.root, 'data'));
    copyFileSync(sharedFixture('breast_cancer', 'train.csv'), join(repo.root, 'data', 'train.csv'));
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'data');
    commit = repo.git('rev-parse', 'HEAD').trim();
  });
  after(() => repo.remove());

  test('with no champion yet, the gate treats the candidate as the first model and says so', () => {
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /The baseline models:\/breast-cancer@champion does not exist yet: this is treated as the first model/);
  });

  test('registering a pipeline output finds its lineage by content hash, with no extra flags', () => {
    const result = sluice(repo.root, ['models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'champion', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const version = JSON.parse(result.stdout) as { version: number; aliases: string[]; lineage: { stage: string; gitCommit: string; params: Record<string, string>; upstream: { stage: string }[] } };
    assert.equal(version.version, 1);
    assert.deepEqual(version.aliases, ['champion']);
    assert.equal(version.lineage.stage, 'train');
    assert.equal(version.lineage.gitCommit, commit);
    assert.equal(version.lineage.params['train.hyperparameters.C'], '0.5');
    assert.deepEqual(version.lineage.upstream.map((stage) => stage.stage), ['prepare']);
  });

  test('`sluice models lineage` shows the run, the data hashes, the code commit and the params', () => {
    const result = sluice(repo.root, ['models', 'lineage', 'breast-cancer@champion']);
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /^models:\/breast-cancer\/1 \(champion\)  blake3:[0-9a-f]{64}\n/);
    assert.match(text, /└─ models\/candidate\.onnx ← stage train, run [0-9a-f]{32} \(pipeline run [0-9a-f]{8}\)/);
    assert.match(text, new RegExp(`code: git ${commit}`));
    assert.match(text, /params: train\.hyperparameters\.C=0\.5/);
    assert.match(text, /└─ data\/prepared\/fit\.csv ← stage prepare \(run [0-9a-f]{8}\)/);
    assert.match(text, /data: data\/train\.csv blake3:[0-9a-f]{12}/);
  });

  test('moving the champion makes exactly the gate stale, naming the reference', () => {
    const status = sluice(repo.root, ['status']).stdout;
    assert.match(status, /gate: changed\n\s+dep modified: models:\/breast-cancer@champion/);
    assert.doesNotMatch(status, /train: changed/);
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /gate\s+ran/);
    assert.match(result.stdout, /against baseline models:\/breast-cancer@champion \(version 1\)/);
    assert.match(sluice(repo.root, ['run']).stdout, /Pipeline is up to date/);
  });

  test('eval takes a models:/ URI', () => {
    const result = sluice(repo.root, ['eval', '--model', 'models:/breast-cancer/1', '--data', 'data/test.csv', '--target', 'target']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Evaluated models:\/breast-cancer\/1 on data\/test\.csv \(171 rows, binary/);
    assert.match(result.stdout, /Recorded as run [0-9a-f]{8}/);
  });

  test('an unknown model URI is a clear error, exit 2', () => {
    const result = sluice(repo.root, ['eval', '--model', 'models:/nope@champion', '--data', 'data/test.csv', '--target', 'target']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Registered Model with name=nope not found/);
  });

  test('runs list filters with MLflow\'s grammar, and compare sets runs side by side', () => {
    const listed = JSON.parse(sluice(repo.root, ['runs', 'list', '--json', '--filter', "params.train.hyperparameters.C = '0.5' and metrics.passed = 1"]).stdout) as { runs: { run_id: string }[] };
    assert.equal(listed.runs.length, 3, 'the first run, the gate rerun and the no-op run');
    const compared = sluice(repo.root, ['runs', 'compare', listed.runs[1]!.run_id.slice(0, 8), listed.runs[2]!.run_id.slice(0, 8)]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /params\.train\.hyperparameters\.C\s+0\.5\s+0\.5/);
    assert.match(compared.stdout, /≠ metrics\.baseline\.roc_auc/);
  });

  test('the audit log says who registered and promoted, from which command', () => {
    const audit = JSON.parse(sluice(repo.root, ['audit', '--model', 'breast-cancer', '--json']).stdout) as { action: string; origin: string }[];
    assert.deepEqual(audit.map((entry) => entry.action).reverse(), ['registered_model.create', 'model_version.create', 'alias.set']);
    assert.match(audit[0]!.origin, /^cli: sluice models register models\/candidate\.onnx --name breast-cancer --alias champion/);
  });
});

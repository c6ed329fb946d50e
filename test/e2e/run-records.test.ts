/**
 * What runs say about themselves (issue 12): eval runs named by model and data, eval and gate
 * runs carrying the git commit (the pipeline's when they run inside one), pipeline metrics under
 * their own names so MLflow-style filters find them, and `sluice experiments list`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

interface JsonRun {
  run_id: string;
  run_name: string;
  experiment_id: string;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

function listRuns(root: string, args: string[] = []): JsonRun[] {
  const listed = sluice(root, ['runs', 'list', '--json', '--all', ...args]);
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as { runs: JsonRun[] }).runs;
}

const PIPELINE = `stages:
  score:
    cmd: |
      echo '{"r2": 0.5, "rmse": 1.25}' > metrics.json
    metrics: [metrics.json]
  evaluate:
    uses: eval
    with:
      model: models/model.onnx
      data: data/test.csv
      target: target
      metrics: metrics/eval.json
  gate:
    uses: gate
gates:
  model: models/model.onnx
  data: data/test.csv
  target: target
  rules:
    - metric: roc_auc
      min: 0.9
`;

describe('what runs record', () => {
  let repo: ScratchRepo;
  let commit: string;
  beforeEach(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE });
    mkdirSync(join(repo.root, 'data'));
    mkdirSync(join(repo.root, 'models'));
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'models', 'model.onnx'));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'model and data');
    commit = repo.git('rev-parse', 'HEAD').trim();
  });
  afterEach(() => repo.remove());

  test('an eval run is named by the model and the data it scored', () => {
    assert.equal(sluice(repo.root, ['eval', '--model', 'models/model.onnx', '--data', 'data/test.csv', '--target', 'target']).code, 0);
    const [run] = listRuns(repo.root, ['--filter', "tags.sluice.kind = 'eval'"]);
    assert.equal(run?.run_name, 'eval model.onnx on test.csv');
  });

  test('an eval run outside a pipeline carries the git commit', () => {
    assert.equal(sluice(repo.root, ['eval', '--model', 'models/model.onnx', '--data', 'data/test.csv', '--target', 'target']).code, 0);
    const [run] = listRuns(repo.root, ['--filter', "tags.sluice.kind = 'eval'"]);
    assert.equal(run?.tags['mlflow.source.git.commit'], commit);
    assert.equal(run?.tags['mlflow.source.git.branch'], 'main');
  });

  test('eval and gate runs inside a pipeline carry the pipeline run\'s commit', () => {
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    const runs = listRuns(repo.root);
    const pipeline = runs.find((run) => run.tags['sluice.kind'] === 'pipeline')!;
    for (const kind of ['eval', 'gate']) {
      const run = runs.find((candidate) => candidate.tags['sluice.kind'] === kind);
      assert.ok(run, `a ${kind} run`);
      assert.equal(run.tags['mlflow.parentRunId'], pipeline.run_id);
      assert.equal(run.tags['mlflow.source.git.commit'], pipeline.tags['mlflow.source.git.commit']);
      assert.equal(run.tags['sluice.git.dirty'], pipeline.tags['sluice.git.dirty']);
    }
  });

  test('a pipeline run logs metrics under their own names, so metrics.r2 > 0.3 finds it', () => {
    assert.equal(sluice(repo.root, ['run', 'score']).code, 0);
    const found = listRuns(repo.root, ['--filter', 'metrics.r2 > 0.3']);
    const pipeline = found.find((run) => run.tags['sluice.kind'] === 'pipeline');
    assert.ok(pipeline, `found: ${found.map((run) => run.run_name).join(', ')}`);
    assert.equal(pipeline.metrics.r2, 0.5);
    assert.equal(pipeline.tags['sluice.metrics_file'], 'metrics.json');
    const stage = found.find((run) => run.tags['sluice.kind'] === 'stage');
    assert.equal(stage?.metrics.rmse, 1.25);
  });

  test('experiments list shows each experiment\'s id, name, lifecycle and run count', () => {
    assert.equal(sluice(repo.root, ['eval', '--model', 'models/model.onnx', '--data', 'data/test.csv', '--target', 'target']).code, 0);
    const [run] = listRuns(repo.root);
    const listed = sluice(repo.root, ['experiments', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const experiments = JSON.parse(listed.stdout) as { experiment_id: string; name: string; lifecycle_stage: string; runs: number }[];
    const own = experiments.find((experiment) => experiment.experiment_id === run?.experiment_id);
    assert.ok(own, listed.stdout);
    assert.equal(own.lifecycle_stage, 'active');
    assert.equal(own.runs, 1);
    const table = sluice(repo.root, ['experiments', 'list']);
    assert.match(table.stdout, new RegExp(`${own.experiment_id}\\s+${own.name}\\s+active\\s+1`));
  });
});

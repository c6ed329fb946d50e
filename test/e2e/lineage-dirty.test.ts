/**
 * The code state a model's lineage records: files the pipeline writes itself (sluice.lock,
 * metrics kept in git, the .gitignore entries and .sluice/config.yaml it adds) do not count as
 * uncommitted changes; an edit to a source file does.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `stages:
  build:
    cmd: sh src/build.sh
    deps: [src/build.sh, fixture/model.onnx]
    outs: [models/model.onnx]
    metrics: [metrics/build.json]
`;
const SCRIPT = '# Copies the model and writes its metrics.\nmkdir -p models metrics\ncp fixture/model.onnx models/model.onnx\necho \'{"auc": 0.99}\' > metrics/build.json\n';

function repoWithModel(): ScratchRepo {
  const repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'src/build.sh': SCRIPT });
  mkdirSync(join(repo.root, 'fixture'));
  copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'fixture', 'model.onnx'));
  repo.git('add', 'fixture');
  repo.git('commit', '-qm', 'model');
  return repo;
}

function lineageAfterRegister(repo: ScratchRepo): string {
  const registered = sluice(repo.root, ['models', 'register', 'models/model.onnx', '--name', 'clf']);
  assert.equal(registered.code, 0, registered.stderr);
  const lineage = sluice(repo.root, ['models', 'lineage', 'clf/1']);
  assert.equal(lineage.code, 0, lineage.stderr);
  return lineage.stdout;
}

test('after two runs in a fresh repository, the lineage does not report uncommitted changes', (t) => {
  const repo = repoWithModel();
  t.after(() => repo.remove());
  for (const attempt of [1, 2]) {
    const run = sluice(repo.root, ['run']);
    assert.equal(run.code, 0, `run ${attempt}: ${run.stderr}`);
  }
  const lineage = lineageAfterRegister(repo);
  assert.match(lineage, /code: git [0-9a-f]{40}/);
  assert.doesNotMatch(lineage, /uncommitted/);
});

test('an uncommitted edit to a source file is reported in the lineage', (t) => {
  const repo = repoWithModel();
  t.after(() => repo.remove());
  repo.write('src/build.sh', `${SCRIPT}# an edit\n`);
  const run = sluice(repo.root, ['run']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(lineageAfterRegister(repo), /code: git [0-9a-f]{40} with uncommitted changes/);
});

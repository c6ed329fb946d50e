/**
 * What a first-time user hit in the registry and tracking (issue 12): registering a file that is
 * not an ONNX model is refused before anything is stored, and models, versions and runs can be
 * deleted (and runs restored) from the command line.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Tracking } from 'sluice';
import { sharedFixture } from '../support/fixtures.js';
import { jsonClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

function storedFiles(root: string): string[] {
  try {
    return readdirSync(join(root, '.sluice', 'artifacts'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

function modelNames(root: string): string[] {
  const listed = sluice(root, ['models', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as { name: string }[]).map((model) => model.name);
}

describe('registering only ONNX models', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  });
  afterEach(() => repo.remove());

  test('a text file is refused, naming the file and saying it is not an ONNX model, and nothing is stored', () => {
    repo.write('notes.txt', 'hello\n');
    const result = sluice(repo.root, ['models', 'register', 'notes.txt', '--name', 'm', '--alias', 'champion']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /notes\.txt/);
    assert.match(result.stderr, /not an ONNX model/);
    assert.match(result.stderr, /SLUICE_REGISTRY_NOT_ONNX/);
    assert.doesNotMatch(result.stderr, /\bat \w+ \(/);
    assert.deepEqual(modelNames(repo.root), []);
    assert.deepEqual(storedFiles(repo.root), []);
  });

  test('a model folder is refused naming the model file inside it to give instead', () => {
    repo.write('exported/model.onnx', 'stand-in bytes');
    const result = sluice(repo.root, ['models', 'register', 'exported', '--name', 'm']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Cannot register exported: it is a directory, not a model file\. Give the model file inside it: exported\/model\.onnx\./);
    assert.deepEqual(modelNames(repo.root), []);
  });

  test('an empty file is refused the same way', () => {
    repo.write('empty.onnx', '');
    const result = sluice(repo.root, ['models', 'register', 'empty.onnx', '--name', 'm']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /empty\.onnx.*not an ONNX model/s);
    assert.deepEqual(modelNames(repo.root), []);
  });

  test('a runs:/ artifact that is not an ONNX model is refused', async () => {
    repo.write('model.pkl', 'pickled bytes, not ONNX');
    const tracking = await Tracking.open({ root: repo.root });
    let runId: string;
    try {
      runId = await tracking.withRun({ name: 'pickle' }, async (run) => {
        await run.logArtifact(join(repo.root, 'model.pkl'), 'model/model.pkl');
        return run.id;
      });
    } finally {
      await tracking.close();
    }
    const result = sluice(repo.root, ['models', 'register', `runs:/${runId}/model/model.pkl`, '--name', 'm']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /model\.pkl.*not an ONNX model/s);
    assert.deepEqual(modelNames(repo.root), []);
  });

  test('a bad --alias is refused before anything is registered, so a retry does not register a second version', () => {
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'bc_logreg.onnx'));
    for (const alias of ['bad alias', 'latest']) {
      const result = sluice(repo.root, ['models', 'register', 'bc_logreg.onnx', '--name', 'bc', '--alias', alias]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /SLUICE_REGISTRY_INVALID_VALUE/);
    }
    assert.deepEqual(modelNames(repo.root), []);
  });

  test('a name with spaces around it registers under the trimmed name, with its alias, in one go', () => {
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'bc_logreg.onnx'));
    const result = sluice(repo.root, ['models', 'register', 'bc_logreg.onnx', '--name', 'fraud ', '--alias', 'champion', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const version = JSON.parse(result.stdout) as { name: string; aliases: string[]; source: string };
    assert.deepEqual([version.name, version.aliases], ['fraud', ['champion']]);
    assert.match(version.source, /registry\/fraud\//);
  });

  test('a real ONNX model still registers with its signature', () => {
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'bc_logreg.onnx'));
    const result = sluice(repo.root, ['models', 'register', 'bc_logreg.onnx', '--name', 'bc', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const version = JSON.parse(result.stdout) as { signature: { inputs: { name: string }[] } };
    assert.equal(version.signature.inputs[0]?.name, 'input');
  });
});

describe('registering over the MLflow REST API', () => {
  test('model-versions/create from a Sluice artifact that is not an ONNX model is INVALID_PARAMETER_VALUE, and no version is created', async () => {
    const server = await startTestServer();
    try {
      const client = jsonClient(server.url);
      const experiment = await client.post('/api/2.0/mlflow/experiments/create', { name: 'pickles' });
      const run = await client.post('/api/2.0/mlflow/runs/create', { experiment_id: experiment.body.experiment_id, run_name: 'pickle' });
      const info = (run.body.run as { info: { artifact_uri: string; run_id: string } }).info;
      const artifactUri = info.artifact_uri;
      const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace('mlflow-artifacts:/', '')}/model.pkl`, { method: 'PUT', body: 'pickled bytes', headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(put.status, 200);
      assert.equal((await client.post('/api/2.0/mlflow/registered-models/create', { name: 'pickled' })).status, 200);
      const created = await client.post('/api/2.0/mlflow/model-versions/create', { name: 'pickled', source: `${artifactUri}/model.pkl`, run_id: info.run_id });
      assert.equal(created.status, 400);
      assert.equal(created.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(created.body.message as string, /model\.pkl.*not an ONNX model/s);
      const versions = await client.get('/api/2.0/mlflow/model-versions/search', { filter: "name = 'pickled'" });
      assert.deepEqual(versions.body.model_versions ?? [], []);
    } finally {
      await server.close();
    }
  });
});

describe('deleting models and versions', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'a.onnx'));
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx'), join(repo.root, 'b.onnx'));
    assert.equal(sluice(repo.root, ['models', 'register', 'a.onnx', '--name', 'bc', '--alias', 'champion']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', 'b.onnx', '--name', 'bc']).code, 0);
  });
  afterEach(() => repo.remove());

  test('deleting a version an alias points at is refused, naming the alias', () => {
    const result = sluice(repo.root, ['models', 'delete', 'bc/1']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /champion/);
    assert.match(result.stderr, /--force/);
    assert.equal(sluice(repo.root, ['models', 'show', 'bc/1']).code, 0);
  });

  test('a version no alias points at is deleted, and the audit log says who did it', () => {
    const result = sluice(repo.root, ['models', 'delete', 'bc/2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Deleted models:\/bc\/2/);
    assert.equal(sluice(repo.root, ['models', 'show', 'bc/2']).code, 2);
    const audit = sluice(repo.root, ['audit', '--model', 'bc', '--json']);
    assert.match(audit.stdout, /model_version\.delete/);
    // A name no model has is said as such, not as an empty log.
    const typo = sluice(repo.root, ['audit', '--model', 'bcc']);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /SLUICE_REGISTRY_MODEL_NOT_FOUND/);
  });

  test('--force deletes an aliased version with its aliases', () => {
    const result = sluice(repo.root, ['models', 'delete', 'bc/1', '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /champion/);
    assert.equal(sluice(repo.root, ['models', 'show', 'bc@champion']).code, 2);
  });

  test('deleting a whole model with aliases needs --force, then removes every version', () => {
    const refused = sluice(repo.root, ['models', 'delete', 'bc']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /champion/);
    const result = sluice(repo.root, ['models', 'delete', 'bc', '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(modelNames(repo.root), []);
  });

  test('removing an alias that is not set says so (exit 2), not that it was removed', () => {
    const result = sluice(repo.root, ['models', 'alias', 'bc', 'champoin', '--delete']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /SLUICE_REGISTRY_ALIAS_NOT_FOUND/);
    assert.doesNotMatch(result.stdout, /Removed/);
    assert.equal(sluice(repo.root, ['models', 'show', 'bc@champion']).code, 0);
  });

  test('an alias is not something to delete: the error says to name a version', () => {
    const result = sluice(repo.root, ['models', 'delete', 'bc@champion']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /models alias bc champion --delete|NAME\/VERSION/);
  });
});

describe('deleting and restoring runs', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
    copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(repo.root, 'model.onnx'));
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'test.csv'));
  });
  afterEach(() => repo.remove());

  function runIds(extra: string[] = []): string[] {
    const listed = sluice(repo.root, ['runs', 'list', '--json', ...extra]);
    assert.equal(listed.code, 0, listed.stderr);
    return (JSON.parse(listed.stdout) as { runs: { run_id: string }[] }).runs.map((run) => run.run_id);
  }

  test('runs delete hides a run from runs list, and runs restore brings it back', () => {
    assert.equal(sluice(repo.root, ['eval', '--model', 'model.onnx', '--data', 'test.csv', '--target', 'target']).code, 0);
    const [runId] = runIds();
    assert.ok(runId);
    const deleted = sluice(repo.root, ['runs', 'delete', runId.slice(0, 8)]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`Deleted run ${runId}`));
    assert.deepEqual(runIds(), []);
    assert.deepEqual(runIds(['--deleted']), [runId]);
    const restored = sluice(repo.root, ['runs', 'restore', runId.slice(0, 8)]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(runIds(), [runId]);
  });

  test('a stage\'s run deleted on its own is listed by runs list --deleted, as the delete says', () => {
    repo.write('sluice.yaml', 'stages:\n  hello:\n    cmd: node -e "require(\'fs\').writeFileSync(\'out.txt\', \'hi\')"\n    outs: [out.txt]\n');
    assert.equal(sluice(repo.root, ['run']).code, 0);
    const topLevel = new Set(runIds());
    const stageRun = runIds(['--all']).find((id) => !topLevel.has(id));
    assert.ok(stageRun, 'the stage has a run of its own');
    const deleted = sluice(repo.root, ['runs', 'delete', stageRun]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /`sluice runs list --deleted` shows it/);
    assert.deepEqual(runIds(['--deleted']), [stageRun]);
  });

  test('deleting a run that does not exist says so', () => {
    const result = sluice(repo.root, ['runs', 'delete', 'deadbeef']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /deadbeef/);
  });
});

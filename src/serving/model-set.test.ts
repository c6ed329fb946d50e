/** The set of served models: swaps, failed loads, names. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { ModelSet, type ModelResolver } from './model-set.js';

const batching = { maxBatchSize: 8, maxDelayMs: 0 };

describe('the served model set', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('two models under one name are refused before either loads, naming both', async () => {
    const loaded: string[] = [];
    const resolver: ModelResolver = async (reference) => ({ path: reference });
    const model = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    await assert.rejects(
      ModelSet.open([{ name: 'a', reference: model }, { name: 'a', reference: sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx') }], resolver, batching, { loaded: (served) => loaded.push(served.name) }),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'SLUICE_SERVING_DUPLICATE_NAME');
        assert.match(error.message, /bc_logreg\.onnx and .*bc_weak_logreg3\.onnx would both be served as "a"/);
        assert.match(error.hint ?? '', /sluice serve a=.* b=/);
        return true;
      },
    );
    assert.deepEqual(loaded, [], 'nothing loaded, so nothing was logged as loaded');
  });

  test('a reload that fails keeps the previous version serving and reports why', async () => {
    const broken = join(temp.path, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    let path = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    let version = '1';
    const resolver: ModelResolver = async () => ({ path, version, registeredName: 'bc' });
    const failures: string[] = [];
    const models = await ModelSet.open([{ reference: 'models:/bc@champion' }], resolver, batching, { failed: (name) => failures.push(name) });
    try {
      path = broken;
      version = '2';
      await models.reload();
      assert.deepEqual(failures, ['bc']);
      assert.equal(models.get('bc').version, '1');
      const status = models.status('bc');
      assert.equal(status.ready, true);
      assert.match(status.error ?? '', /not a valid ONNX|Cannot load|protobuf|invalid/i);
    } finally {
      models.close();
    }
  });

  test('a reload to a new version swaps it in; the same version is not reloaded', async () => {
    let path = sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx');
    let version = '1';
    const loaded: string[] = [];
    const models = await ModelSet.open([{ name: 'champion', reference: 'models:/bc@champion' }], async () => ({ path, version }), batching, { loaded: (model) => loaded.push(model.version) });
    try {
      await models.reload();
      assert.deepEqual(loaded, ['1'], 'same version: nothing loaded');
      path = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
      version = '2';
      await models.reload();
      assert.deepEqual(loaded, ['1', '2']);
      assert.equal(models.get('champion').version, '2');
      assert.equal(models.get('champion', '2').name, 'champion');
      assert.throws(() => models.get('champion', '1'), { code: 'SLUICE_SERVING_MODEL_NOT_FOUND' });
    } finally {
      models.close();
    }
  });

  test('two models under one name are refused at start', async () => {
    const path = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    await assert.rejects(ModelSet.open([{ reference: path }, { reference: path }], async () => ({ path }), batching), { code: 'SLUICE_SERVING_DUPLICATE_NAME' });
  });
});

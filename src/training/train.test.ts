/** The built-in trainers: quality, determinism, and ONNX exports that reproduce them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readTable } from '../data/index.js';
import { evaluate } from '../evaluation/index.js';
import { loadOnnxModel, predictTable } from '../inference/index.js';
import { sharedFixture } from '../../test/support/fixtures.js';
import { interactionData, normals, writeCsv } from '../../test/support/synthetic.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { trainModel } from './index.js';

describe('built-in trainers', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());
  const out = (name: string) => join(temp.path, name);
  const train = sharedFixture('breast_cancer', 'train.csv');
  const testData = sharedFixture('breast_cancer', 'test.csv');

  test('logistic regression reaches ROC AUC ≥ 0.99 on the breast-cancer test set', async () => {
    const model = await trainModel({ dataPath: train, target: 'target', algorithm: 'logistic_regression', outPath: out('lr.onnx') });
    const result = await evaluate({ modelPath: model.outPath, dataPath: testData, target: 'target', importanceRepeats: 0 });
    assert.ok(result.metrics.roc_auc! >= 0.99, `roc_auc ${result.metrics.roc_auc}`);
    assert.ok(model.exportDifference <= 1e-5);
  });

  test('regressors export targets in the thousands (mean_area) within float32 rounding of their own predictions', async () => {
    for (const algorithm of ['linear_regression', 'ridge', 'gbdt'] as const) {
      const model = await trainModel({ dataPath: train, target: 'mean_area', exclude: ['target'], algorithm, outPath: out(`area-${algorithm}.onnx`) });
      assert.equal(model.task, 'regression', algorithm);
    }
  });

  test('gradient-boosted trees reach ROC AUC ≥ 0.98 on the breast-cancer test set', async () => {
    const model = await trainModel({ dataPath: train, target: 'target', algorithm: 'gbdt', outPath: out('gbdt.onnx') });
    const result = await evaluate({ modelPath: model.outPath, dataPath: testData, target: 'target', importanceRepeats: 0 });
    assert.ok(result.metrics.roc_auc! >= 0.98, `roc_auc ${result.metrics.roc_auc}`);
  });

  test('the same data and params give a byte-identical ONNX file', async () => {
    for (const algorithm of ['gbdt', 'logistic_regression'] as const) {
      const params = algorithm === 'gbdt' ? { n_estimators: 20 } : {};
      await trainModel({ dataPath: train, target: 'target', algorithm, params, outPath: out(`${algorithm}-a.onnx`) });
      await trainModel({ dataPath: train, target: 'target', algorithm, params, outPath: out(`${algorithm}-b.onnx`) });
      assert.ok(readFileSync(out(`${algorithm}-a.onnx`)).equals(readFileSync(out(`${algorithm}-b.onnx`))), algorithm);
    }
  });

  test('gbdt beats logistic regression when the label depends on an interaction', async () => {
    writeCsv(out('xor-train.csv'), interactionData(3000, 1));
    writeCsv(out('xor-test.csv'), interactionData(1000, 99));
    const auc = async (algorithm: 'gbdt' | 'logistic_regression') => {
      const model = await trainModel({ dataPath: out('xor-train.csv'), target: 'label', algorithm, outPath: out(`xor-${algorithm}.onnx`) });
      return (await evaluate({ modelPath: model.outPath, dataPath: out('xor-test.csv'), target: 'label', importanceRepeats: 0 })).metrics.roc_auc!;
    };
    const [trees, linear] = [await auc('gbdt'), await auc('logistic_regression')];
    assert.ok(trees > 0.9 && linear < 0.65, `gbdt ${trees}, logistic ${linear}`);
  });

  test('text labels, text features, unseen categories and missing values survive the export', async () => {
    const x = normals(600, 5);
    const colors = ['red', 'green', 'blue'];
    writeCsv(out('mixed.csv'), [
      { name: 'x', values: x.map((value, i) => (i % 17 === 0 ? null : value)) },
      { name: 'color', values: x.map((_, i) => colors[i % 3]!) },
      { name: 'label', values: x.map((value, i) => (value + (i % 3 === 0 ? 1 : -0.5) > 0 ? 'approve' : 'deny')) },
    ]);
    writeCsv(out('mixed-new.csv'), [
      { name: 'x', values: [0.5, null, -2] },
      { name: 'color', values: ['purple', 'red', null] },
      { name: 'label', values: ['approve', 'deny', 'deny'] },
    ]);
    for (const algorithm of ['logistic_regression', 'gbdt'] as const) {
      const model = await trainModel({ dataPath: out('mixed.csv'), target: 'label', algorithm, params: algorithm === 'gbdt' ? { min_samples_leaf: 5 } : {}, outPath: out(`mixed-${algorithm}.onnx`) });
      assert.deepEqual(model.classes, ['approve', 'deny']);
      const onnx = await loadOnnxModel(model.outPath);
      const { predictions } = await predictTable(onnx, await readTable(out('mixed-new.csv')), { exclude: ['label'], modelName: 'mixed' });
      await onnx.release();
      assert.equal(predictions.kind, 'probabilities');
      assert.deepEqual(predictions.kind === 'probabilities' && predictions.classes, ['approve', 'deny']);
      assert.ok([...(predictions.kind === 'probabilities' ? predictions.probabilities : [])].every(Number.isFinite));
      const result = await evaluate({ modelPath: model.outPath, dataPath: out('mixed.csv'), target: 'label', positiveLabel: 'approve', importanceRepeats: 0 });
      assert.ok(result.metrics.accuracy! > 0.9, `${algorithm} accuracy ${result.metrics.accuracy}`);
    }
  });

  test('regressors: linear and ridge fit a linear target, gbdt a non-linear one', async () => {
    const [a, b] = [normals(800, 11), normals(800, 12)];
    const noise = normals(800, 13);
    writeCsv(out('reg.csv'), [
      { name: 'a', values: a },
      { name: 'b', values: b },
      { name: 'linear', values: a.map((value, i) => 3 * value - 2 * b[i]! + 5 + 0.01 * noise[i]!) },
      { name: 'curved', values: a.map((value, i) => Math.sin(2 * value) + (b[i]! > 0 ? 1 : 0) + 0.05 * noise[i]!) },
    ]);
    for (const algorithm of ['linear_regression', 'ridge'] as const) {
      const model = await trainModel({ dataPath: out('reg.csv'), target: 'linear', algorithm, exclude: ['curved'], outPath: out(`${algorithm}.onnx`) });
      const result = await evaluate({ modelPath: model.outPath, dataPath: out('reg.csv'), target: 'linear', exclude: ['curved'], importanceRepeats: 0 });
      assert.ok(result.metrics.r2! > 0.999, `${algorithm} r2 ${result.metrics.r2}`);
    }
    const model = await trainModel({ dataPath: out('reg.csv'), target: 'curved', algorithm: 'gbdt', exclude: ['linear'], outPath: out('gbdt-reg.onnx') });
    assert.equal(model.task, 'regression');
    const result = await evaluate({ modelPath: model.outPath, dataPath: out('reg.csv'), target: 'curved', exclude: ['linear'], importanceRepeats: 0 });
    assert.ok(result.metrics.r2! > 0.95, `gbdt r2 ${result.metrics.r2}`);
  });

  test('three classes: softmax logistic regression and gbdt, one tree per class per round', async () => {
    const [a, b] = [normals(900, 21), normals(900, 22)];
    writeCsv(out('three.csv'), [
      { name: 'a', values: a },
      { name: 'b', values: b },
      { name: 'kind', values: a.map((value, i) => (value > 0.5 ? 'high' : b[i]! > 0 ? 'left' : 'right')) },
    ]);
    for (const algorithm of ['logistic_regression', 'gbdt'] as const) {
      const model = await trainModel({ dataPath: out('three.csv'), target: 'kind', algorithm, outPath: out(`three-${algorithm}.onnx`) });
      assert.equal(model.task, 'multiclass');
      const result = await evaluate({ modelPath: model.outPath, dataPath: out('three.csv'), target: 'kind', importanceRepeats: 0 });
      assert.ok(result.metrics.accuracy! > 0.9, `${algorithm} accuracy ${result.metrics.accuracy}`);
    }
  });

  test('large data (histograms on two threads) trains reproducibly and exports exactly', async () => {
    writeCsv(out('large.csv'), interactionData(30_000, 7));
    const params = { n_estimators: 15 };
    const first = await trainModel({ dataPath: out('large.csv'), target: 'label', algorithm: 'gbdt', params, outPath: out('large-a.onnx') });
    await trainModel({ dataPath: out('large.csv'), target: 'label', algorithm: 'gbdt', params, outPath: out('large-b.onnx') });
    assert.ok(readFileSync(out('large-a.onnx')).equals(readFileSync(out('large-b.onnx'))));
    assert.ok(first.exportDifference <= 1e-5);
    const result = await evaluate({ modelPath: first.outPath, dataPath: out('large.csv'), target: 'label', importanceRepeats: 0 });
    assert.ok(result.metrics.roc_auc! > 0.9, `roc_auc ${result.metrics.roc_auc}`);
  });

  test('an unknown parameter is refused with the closest name', async () => {
    await assert.rejects(trainModel({ dataPath: train, target: 'target', algorithm: 'gbdt', params: { n_estimator: '5' }, outPath: out('x.onnx') }), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_TRAINING_BAD_PARAM' && /\(did you mean "n_estimators"\?\)/.test(error.message));
  });
});

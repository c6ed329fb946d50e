/**
 * Evaluation of the shared breast-cancer models against scikit-learn's reference values: to 1e-5
 * from the models' own float32 outputs, to 1e-9 from the framework probabilities.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { OnnxGraphBuilder } from '../training/index.js';
import { evaluate } from './index.js';

const MODELS = ['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'] as const;
const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier'] as const;

interface ReferenceMetrics {
  n: number;
  confusion_matrix: number[][];
  [metric: string]: unknown;
}

const reference = JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as {
  models: Record<string, { test: ReferenceMetrics }>;
};

function assertMetrics(actual: Record<string, number>, expected: ReferenceMetrics, tolerance: number, label: string): void {
  for (const name of METRICS) {
    const want = expected[name] as number;
    assert.ok(Math.abs(actual[name]! - want) <= tolerance, `${label} ${name}: ${actual[name]} vs ${want}`);
  }
}

describe('evaluating the breast-cancer models', () => {
  for (const name of MODELS) {
    test(`${name}: every reference metric, from the model's own outputs, to 1e-5`, async () => {
      const result = await evaluate({ modelPath: sharedFixture('breast_cancer', 'models', `${name}.onnx`), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target' });
      const expected = reference.models[name]!.test;
      assert.equal(result.task, 'binary');
      assert.equal(result.n, expected.n);
      assert.equal(result.positive_class, '1=benign');
      assertMetrics(result.metrics, expected, 1e-5, name);
      assert.deepEqual(result.confusion_matrix, expected.confusion_matrix);
      assert.ok(result.metrics.latency_p99_ms! > 0 && result.metrics.model_size_bytes! > 0);
    });

    test(`${name}: every reference metric, from the framework probabilities, to 1e-9`, async () => {
      const result = await evaluate({
        predictionsPath: sharedFixture('breast_cancer', 'test_predictions.csv'),
        predictionColumns: [`${name}_p0`, `${name}_p1`],
        target: 'target',
      });
      const expected = reference.models[name]!.test;
      assertMetrics(result.metrics, expected, 1e-9, name);
      assert.deepEqual(result.confusion_matrix, expected.confusion_matrix);
    });
  }
});

describe('evaluation input errors', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());
  const model = () => sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
  const testCsv = () => readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8');

  test('a model file that does not exist', async () => {
    await assert.rejects(evaluate({ modelPath: join(temp.path, 'nope.onnx'), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target' }), {
      code: 'SLUICE_INFERENCE_MODEL_NOT_FOUND',
    });
  });

  test('a file that is not ONNX', async () => {
    const path = join(temp.path, 'model.onnx');
    writeFileSync(path, 'this is not a model');
    await assert.rejects(evaluate({ modelPath: path, dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target' }), { code: 'SLUICE_INFERENCE_INVALID_MODEL' });
  });

  test('a target column that is not in the data, with the closest name', async () => {
    await assert.rejects(evaluate({ modelPath: model(), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'targte' }), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_DATA_COLUMN_NOT_FOUND' && /Did you mean "target"\?/.test(error.message));
  });

  test('a non-numeric value in a numeric feature names the column and row', async () => {
    const lines = testCsv().split('\n');
    lines[5] = lines[5]!.replace(/^[^,]+/, 'n/a');
    const path = join(temp.path, 'bad.csv');
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(evaluate({ modelPath: model(), dataPath: path, target: 'target' }), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_DATA_NON_NUMERIC' && /Column "mean_radius" .* row 5 holds "n\/a"/.test(error.message));
  });

  test('a missing feature column is named', async () => {
    const lines = testCsv().split('\n').map((line) => line.split(',').slice(1).join(','));
    const path = join(temp.path, 'fewer.csv');
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(evaluate({ modelPath: model(), dataPath: path, target: 'target' }), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_INFERENCE_FEATURE_MISMATCH' && /Missing column: mean_radius\./.test(error.message));
  });

  test('a matrix model without feature names and the wrong number of columns', async () => {
    const builder = new OnnxGraphBuilder();
    builder.input('input', 'float', ['N', 3]);
    const [scores] = builder.node('MatMul', ['input', builder.constant('w', { dims: [3, 2], floats: [1, 0, 0, 1, 1, 1] })]);
    builder.node('Softmax', [scores!], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
    builder.output('probabilities', 'float', ['N', 2]);
    const path = join(temp.path, 'three-inputs.onnx');
    writeFileSync(path, builder.build({ producerVersion: 'test', metadata: {} }));
    const data = join(temp.path, 'four.csv');
    writeFileSync(data, 'a,b,c,d,target\n1,2,3,4,0\n');
    await assert.rejects(evaluate({ modelPath: path, dataPath: data, target: 'target' }), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_INFERENCE_FEATURE_COUNT' && /expects 3 features, but the data has 4 feature columns \(a, b, c, d\)/.test(error.message));
  });

  test('a multiclass model asked for binary metrics', async () => {
    const path = join(temp.path, 'three.csv');
    writeFileSync(path, 'target,p0,p1,p2\n0,0.7,0.2,0.1\n2,0.1,0.2,0.7\n1,0.2,0.6,0.2\n');
    await assert.rejects(evaluate({ predictionsPath: path, predictionColumns: ['p0', 'p1', 'p2'], target: 'target', task: 'binary' }), {
      code: 'SLUICE_EVALUATION_TASK_MISMATCH',
    });
  });

  test('data without rows', async () => {
    const path = join(temp.path, 'empty.csv');
    writeFileSync(path, `${testCsv().split('\n')[0]}\n`);
    await assert.rejects(evaluate({ modelPath: model(), dataPath: path, target: 'target' }), { code: 'SLUICE_EVALUATION_EMPTY_DATA' });
  });

  test('string labels map to a model without class names by sorted order, and --positive-label picks the column', async () => {
    const path = join(temp.path, 'labels.csv');
    writeFileSync(path, 'label,p_no,p_yes\nno,0.9,0.1\nyes,0.2,0.8\nyes,0.4,0.6\nno,0.3,0.7\n');
    const result = await evaluate({ predictionsPath: path, predictionColumns: ['p_no', 'p_yes'], target: 'label', positiveLabel: 'yes' });
    assert.equal(result.metrics.recall, 1);
    assert.equal(result.metrics.precision, 2 / 3);
  });

  test('labels that are the class names (benign, malignant) map to their classes, not by sorted order', async () => {
    const path = join(temp.path, 'named.csv');
    const [header, ...lines] = testCsv().trim().split('\n');
    writeFileSync(path, [header, ...lines.map((line) => line.replace(/,1$/, ',benign').replace(/,0$/, ',malignant'))].join('\n'));
    const result = await evaluate({ modelPath: model(), dataPath: path, target: 'target' });
    assertMetrics(result.metrics, reference.models.bc_logreg!.test, 1e-5, 'bc_logreg with named labels');
  });

  test('labels matching neither the names nor the values of the classes are refused, naming the classes', async () => {
    const path = join(temp.path, 'other.csv');
    const [header, ...lines] = testCsv().trim().split('\n');
    writeFileSync(path, [header, ...lines.map((line) => line.replace(/,1$/, ',good').replace(/,0$/, ',bad'))].join('\n'));
    await assert.rejects(evaluate({ modelPath: model(), dataPath: path, target: 'target' }), /0=malignant/);
  });
});

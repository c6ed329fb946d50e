/**
 * A model shaped like skl2onnx's export of a mixed-type pipeline: one input per column (a string
 * column among them) and a ZipMap (sequence of maps) output, which onnxruntime for Node cannot
 * return and Sluice therefore rewrites away.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { evaluate } from '../evaluation/index.js';
import { OnnxGraphBuilder } from '../training/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { loadOnnxModel } from './index.js';

function sklearnLikeModel(): Uint8Array {
  const builder = new OnnxGraphBuilder();
  builder.input('age', 'float', ['N', 1]);
  builder.input('city', 'string', ['N', 1]);
  const [encoded] = builder.node('OneHotEncoder', ['city'], { domain: 'ai.onnx.ml', attributes: { cats_strings: { strings: ['lyon', 'paris'] }, zeros: { i: 1 } } });
  const [cities] = builder.node('Reshape', [encoded!, builder.constant('shape', { dims: [2], int64s: [-1, 2] })]);
  const [features] = builder.node('Concat', ['age', cities!], { attributes: { axis: { i: 1 } } });
  // Score for "yes" grows with age and is higher in Paris; "no" is the reference class.
  const weights = builder.constant('w', { dims: [3, 2], floats: [0, 0.1, 0, -1, 0, 1] });
  const [scores] = builder.node('MatMul', [features!, weights]);
  const [shifted] = builder.node('Add', [scores!, builder.constant('b', { dims: [2], floats: [0, -4] })]);
  builder.node('Softmax', [shifted!], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
  builder.node('ArgMax', ['probabilities'], { outputs: ['output_label'], attributes: { axis: { i: 1 }, keepdims: { i: 0 } } });
  builder.node('ZipMap', ['probabilities'], { outputs: ['output_probability'], domain: 'ai.onnx.ml', attributes: { classlabels_strings: { strings: ['no', 'yes'] } } });
  builder.output('output_label', 'int64', ['N']);
  builder.sequenceOfMapsOutput('output_probability', 'string');
  return builder.build({ producerVersion: 'test', metadata: {} });
}

describe('models with a ZipMap output', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir();
    writeFileSync(join(temp.path, 'model.onnx'), sklearnLikeModel());
    writeFileSync(join(temp.path, 'people.csv'), 'age,city,bought\n20,lyon,no\n70,paris,yes\n25,paris,no\n80,lyon,yes\n45,paris,yes\n25,lyon,no\n');
  });
  after(() => temp.remove());

  test('the ZipMap is replaced by its probability tensor, and its labels become the classes', async () => {
    const model = await loadOnnxModel(join(temp.path, 'model.onnx'));
    assert.deepEqual(model.outputs.map((output) => [output.name, output.isTensor]), [['output_label', true], ['probabilities', true]]);
    assert.equal(model.metadata.classes, '["no","yes"]');
    await model.release();
  });

  test('the model is evaluated from its columns, the string one as a string tensor', async () => {
    const result = await evaluate({ modelPath: join(temp.path, 'model.onnx'), dataPath: join(temp.path, 'people.csv'), target: 'bought', positiveLabel: 'yes', importanceRepeats: 0 });
    assert.deepEqual(result.classes, ['no', 'yes']);
    assert.equal(result.metrics.accuracy, 1);
  });
});

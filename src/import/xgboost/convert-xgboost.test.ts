/**
 * The converter on hand-written XGBoost JSON: base_score is a probability for binary:logistic
 * (its logit starts the margin), a missing value goes the node's default way, dart trees are
 * weighted by weight_drop, and categorical splits are refused by name.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { convertXgboost } from './convert-xgboost.js';
import { readXgboostModel } from './import-xgboost.js';
import { xgboostModelSchema } from './xgboost-json.js';

/** A stump on x < 0.5: left leaf -1, right leaf +1; missing goes left when `defaultLeft`. */
function stump(defaultLeft: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    left_children: [1, -1, -1],
    right_children: [2, -1, -1],
    split_indices: [0, 0, 0],
    split_conditions: [0.5, -1, 1],
    default_left: [defaultLeft ? 1 : 0, 0, 0],
    sum_hessian: [10, 4, 6],
    split_type: [0, 0, 0],
    ...extra,
  };
}

function booster(objective: string, baseScore: string, trees: Record<string, unknown>[], gradientBooster?: Record<string, unknown>) {
  return xgboostModelSchema.parse({
    version: [1, 7, 4],
    learner: {
      feature_names: ['x'],
      learner_model_param: { base_score: baseScore, num_class: '0', num_feature: '1' },
      objective: { name: objective },
      gradient_booster: gradientBooster ?? { name: 'gbtree', model: { trees, tree_info: trees.map(() => 0) } },
    },
  });
}

describe('converting XGBoost JSON', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir('sluice-xgb-')));
  after(() => temp.remove());

  async function outputs(bytes: Uint8Array, values: number[]): Promise<number[]> {
    const path = join(temp.path, `m${Math.random().toString(36).slice(2)}.onnx`);
    writeFileSync(path, bytes);
    const session = await ort.InferenceSession.create(path);
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.from(values), [values.length, 1]) });
    const tensor = result[session.outputNames[0]!]!;
    await session.release();
    return Array.from(tensor.data as Float32Array);
  }

  test('binary:logistic starts from logit(base_score) and missing values follow default_left', async () => {
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const base = Math.log(0.25 / 0.75);
    const left = convertXgboost(booster('binary:logistic', '2.5E-1', [stump(true)]), { file: 'm.json', producerVersion: 'test' });
    assert.ok(Math.abs(left.baseMargin - base) < 1e-12);
    const [, p0, , p1, , pMissing] = await outputs(left.bytes, [0.2, 0.9, Number.NaN]);
    assert.ok(Math.abs(p0! - sigmoid(base - 1)) < 1e-6);
    assert.ok(Math.abs(p1! - sigmoid(base + 1)) < 1e-6);
    assert.ok(Math.abs(pMissing! - sigmoid(base - 1)) < 1e-6, 'missing went left');
    const right = convertXgboost(booster('binary:logistic', '5E-1', [stump(false)]), { file: 'm.json', producerVersion: 'test' });
    const [, pRight] = await outputs(right.bytes, [Number.NaN]);
    assert.ok(Math.abs(pRight! - sigmoid(1)) < 1e-6, 'missing went right');
  });

  test('XGBoost 3.1\'s base_score as a one-element vector ("[2.5E-1]") is the same base score; one per output is refused by name', () => {
    const vector = convertXgboost(booster('binary:logistic', '[2.5E-1]', [stump(true)]), { file: 'm.json', producerVersion: 'test' });
    assert.ok(Math.abs(vector.baseMargin - Math.log(0.25 / 0.75)) < 1e-12);
    assert.throws(() => booster('multi:softprob', '[1E-1,2E-1]', [stump(true)]), /gives each output its own base score/);
  });

  test('reg:squarederror adds base_score as it is, and dart scales each tree by its weight_drop', async () => {
    const trees = [stump(true), stump(true)];
    const dart = convertXgboost(booster('reg:squarederror', '0.5', trees, { name: 'dart', gbtree: { model: { trees, tree_info: [0, 0] } }, weight_drop: [1, 0.5] }), { file: 'm.json', producerVersion: 'test' });
    const [low, high] = await outputs(dart.bytes, [0, 1]);
    assert.ok(Math.abs(low! - (0.5 - 1.5)) < 1e-6);
    assert.ok(Math.abs(high! - (0.5 + 1.5)) < 1e-6);
  });

  test('covers are kept per tree, by node id, in sluice.tree_covers', () => {
    const imported = convertXgboost(booster('reg:squarederror', '0', [stump(true), stump(false)]), { file: 'm.json', producerVersion: 'test' });
    const text = Buffer.from(imported.bytes).toString('latin1');
    assert.ok(text.includes('sluice.tree_covers'));
    assert.ok(text.includes('[[10,4,6],[10,4,6]]'));
  });

  test('a categorical split is refused naming the tree and the feature', () => {
    const categorical = stump(true, { split_type: [1, 0, 0] });
    assert.throws(() => convertXgboost(booster('binary:logistic', '0.5', [categorical]), { file: 'm.json', producerVersion: 'test' }), /tree 0 splits feature 0 by category/);
  });

  test('a booster saved with feature_names: [] (trained on a bare array) gets f0, f1, …', () => {
    const model = booster('binary:logistic', '0.5', [stump(true)]);
    const unnamed = { ...model, learner: { ...model.learner, feature_names: [] } };
    assert.deepEqual(convertXgboost(unnamed, { file: 'm.json', producerVersion: 'test' }).featureNames, ['f0']);
  });

  test('a gblinear booster is refused by name', () => {
    const file = join(temp.path, 'linear.json');
    writeFileSync(file, JSON.stringify({ version: [1, 7, 4], learner: { gradient_booster: { name: 'gblinear', model: { weights: [0.1, 0.2] } }, objective: { name: 'reg:squarederror' }, learner_model_param: { num_feature: '1', num_class: '0', base_score: '0.5' } } }));
    assert.throws(() => readXgboostModel(file), (error: Error & { code?: string }) => error.code === 'SLUICE_IMPORT_UNSUPPORTED' && /its booster is gblinear/.test(error.message));
  });

  test('a damaged tree is refused naming the node: a child out of range, a node its own child, a child shared', () => {
    const convert = (tree: Record<string, unknown>) => () => convertXgboost(booster('binary:logistic', '0.5', [tree]), { file: 'm.json', producerVersion: 'test' });
    assert.throws(convert(stump(true, { left_children: [7, -1, -1] })), /tree 0 node 0 has child 7, not a node of its 3/);
    assert.throws(convert(stump(true, { left_children: [0, -1, -1] })), /tree 0 node 0 has child 0/);
    assert.throws(convert(stump(true, { right_children: [1, -1, -1] })), /tree 0 node 0 shares child 1 with node 0/);
  });
});

/**
 * Early stopping of the GBDT trainer: on labels that are pure noise the validation loss stops
 * improving at once, so training stops long before n_estimators and keeps the best round's trees;
 * without it nothing changes; the held-out fraction is stratified and seeded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { holdOut } from './early-stopping.js';
import { trainGbdt, type GbdtOptions } from './gbdt.js';

const OPTIONS: GbdtOptions = { nEstimators: 200, learningRate: 0.3, maxDepth: 4, minSamplesLeaf: 5, l2Regularization: 0, maxBins: 255, seed: 0 };

function noise(rows: number, width: number): { features: Float64Array; targets: Float64Array } {
  let state = 7;
  const random = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
  return { features: Float64Array.from({ length: rows * width }, random), targets: Float64Array.from({ length: rows }, () => (random() < 0.5 ? 1 : 0)) };
}

describe('GBDT early stopping', () => {
  const { features, targets } = noise(600, 5);

  test('stops long before n_estimators when the validation loss stops improving, keeping the best round', () => {
    const model = trainGbdt(features, 5, targets, 'binary', 2, { ...OPTIONS, earlyStopping: true, nIterNoChange: 5, validationFraction: 0.2 });
    const stopped = model.earlyStopping!;
    assert.ok(stopped.roundsTrained < 200, `trained ${stopped.roundsTrained} rounds`);
    assert.equal(stopped.roundsTrained, stopped.bestRounds + 5);
    assert.equal(model.trees.length, stopped.bestRounds);
    const best = Math.min(...stopped.validationLoss);
    assert.equal(stopped.validationLoss[stopped.bestRounds - 1], best);
  });

  test('without it, every round is trained', () => {
    const model = trainGbdt(features, 5, targets, 'binary', 2, { ...OPTIONS, nEstimators: 30 });
    assert.equal(model.trees.length, 30);
    assert.equal(model.earlyStopping, undefined);
  });

  test('the validation fraction is stratified by class and the same for the same seed', () => {
    const labels = Float64Array.from({ length: 1000 }, (_, row) => (row % 10 < 3 ? 1 : 0));
    const rows = Float64Array.from({ length: 1000 }, (_, row) => row);
    const split = holdOut(rows, 1, labels, 'binary', 0.1, 3);
    assert.equal(split.validTargets.length, 100);
    assert.equal(split.validTargets.reduce((sum, label) => sum + label, 0), 30);
    assert.equal(split.fitTargets.length, 900);
    assert.deepEqual(holdOut(rows, 1, labels, 'binary', 0.1, 3).validFeatures, split.validFeatures);
    assert.notDeepEqual(holdOut(rows, 1, labels, 'binary', 0.1, 4).validFeatures, split.validFeatures);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { trainGbdt, type GbdtOptions } from './gbdt.js';

/** 30,000 seeded rows (enough for the helper thread) whose label depends on an interaction. */
function data(): { features: Float64Array; targets: Float64Array; width: number } {
  const rows = 30_000;
  const width = 6;
  let state = 11;
  const random = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
  const features = new Float64Array(rows * width);
  const targets = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    for (let f = 0; f < width; f++) features[row * width + f] = Math.fround(random() * 2 - 1);
    const x = features.subarray(row * width, row * width + width);
    targets[row] = x[0]! * x[1]! * 3 + Math.sin(3 * x[2]!) + (random() - 0.5) > 0 ? 1 : 0;
  }
  return { features, targets, width };
}

const options: GbdtOptions = { nEstimators: 8, learningRate: 0.1, maxDepth: 6, minSamplesLeaf: 20, l2Regularization: 0, maxBins: 255, seed: 0 };
const leafCount = (nodes: readonly { feature: number }[]) => nodes.filter((node) => node.feature < 0).length;

describe('GBDT trainer', () => {
  test('training twice on the same rows gives identical trees (the helper thread changes no sum)', () => {
    const { features, targets, width } = data();
    const first = trainGbdt(features, width, targets, 'binary', 2, options);
    const second = trainGbdt(features, width, targets, 'binary', 2, options);
    assert.deepEqual(second.trees, first.trees);
  });

  test('max_leaf_nodes caps every tree, and a cap above 2^max_depth gives the depth-limited trees', () => {
    const { features, targets, width } = data();
    const capped = trainGbdt(features, width, targets, 'binary', 2, { ...options, maxLeafNodes: 8 });
    assert.ok(capped.trees.every((tree) => leafCount(tree.nodes) <= 8));
    assert.ok(capped.trees.some((tree) => leafCount(tree.nodes) === 8));
    const unlimited = trainGbdt(features, width, targets, 'binary', 2, options);
    const loose = trainGbdt(features, width, targets, 'binary', 2, { ...options, maxLeafNodes: 64 });
    assert.deepEqual(loose.trees, unlimited.trees);
    assert.ok(unlimited.trees.some((tree) => leafCount(tree.nodes) > 8));
  });

  test('the WebAssembly kernels in kernels-wasm.ts are assembled from kernels.wat as it stands', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(check.status, 0, check.stderr);
  });
});

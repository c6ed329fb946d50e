/**
 * TreeSHAP against the definition: on random trees over five features, each value equals the
 * Shapley value of the path-dependent game (a feature outside the coalition follows both children
 * weighted by their covers), enumerated over all 32 coalitions, to 1e-9; the values add up to the
 * row's score minus the expected value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TreeTables } from '../inference/index.js';
import { seededRandom } from './kernel-shap.js';
import { FastTreeShap } from './fast-tree-shap.js';
import { expectedScores, maxTreeDepth, TreeShap, type ExplainableTrees } from './tree-shap.js';

const FEATURES = 5;

/** Random trees of depth ≤ 4 (BRANCH_LEQ, some nodes sending missing values to the true side) with consistent covers. */
function randomTrees(seed: number, count: number): ExplainableTrees {
  const random = seededRandom(seed);
  const feature: number[] = [];
  const threshold: number[] = [];
  const trueNode: number[] = [];
  const falseNode: number[] = [];
  const missingTrue: number[] = [];
  const covers: number[] = [];
  const values: number[] = [];
  const roots: number[] = [];
  const grow = (depth: number): number => {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    trueNode.push(-1);
    falseNode.push(-1);
    missingTrue.push(0);
    covers.push(0);
    values.push(0);
    if (depth < 4 && (depth < 2 || random() < 0.7)) {
      feature[id] = Math.floor(random() * FEATURES);
      threshold[id] = Math.fround(random());
      missingTrue[id] = random() < 0.3 ? 1 : 0;
      trueNode[id] = grow(depth + 1);
      falseNode[id] = grow(depth + 1);
      covers[id] = covers[trueNode[id]!]! + covers[falseNode[id]!]!;
    } else {
      covers[id] = 1 + Math.floor(random() * 20);
      values[id] = Math.fround(random() * 2 - 1);
    }
    return id;
  };
  for (let t = 0; t < count; t++) roots.push(grow(0));
  const n = feature.length;
  const leaves = feature.map((f, k) => (f < 0 ? k : -1)).filter((k) => k >= 0);
  const weightStart = new Int32Array(n);
  const weightCount = new Int32Array(n);
  leaves.forEach((leaf, w) => {
    weightStart[leaf] = w;
    weightCount[leaf] = 1;
  });
  const tables: TreeTables = {
    width: 1,
    roots: Int32Array.from(roots),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    mode: Int8Array.from(feature, (f) => (f < 0 ? -1 : 0)),
    missingTrue: Uint8Array.from(missingTrue),
    trueNode: Int32Array.from(trueNode),
    falseNode: Int32Array.from(falseNode),
    weightStart,
    weightCount,
    weightTarget: new Int32Array(leaves.length),
    weightValue: Float64Array.from(leaves, (leaf) => values[leaf]!),
    simple: false,
    maxFeature: FEATURES - 1,
  };
  return { tables, covers: Float64Array.from(covers), base: Float64Array.of(0.25), maxDepth: maxTreeDepth(tables) };
}

/** E[f(x) | x_S] of the path-dependent game: the base plus each tree's cover-weighted descent. */
function conditional(trees: ExplainableTrees, x: readonly number[], coalition: number): number {
  const { tables, covers } = trees;
  const descend = (node: number): number => {
    const f = tables.feature[node]!;
    if (f < 0) return tables.weightValue[tables.weightStart[node]!]!;
    const t = tables.trueNode[node]!;
    const e = tables.falseNode[node]!;
    if (coalition & (1 << f)) {
      const value = x[f]!;
      return value <= tables.threshold[node]! || (tables.missingTrue[node] === 1 && Number.isNaN(value)) ? descend(t) : descend(e);
    }
    return (descend(t) * covers[t]! + descend(e) * covers[e]!) / covers[node]!;
  };
  return trees.base[0]! + Array.from(trees.tables.roots).reduce((sum, root) => sum + descend(root), 0);
}

function exactShapley(trees: ExplainableTrees, x: readonly number[]): number[] {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const size = (mask: number) => [...Array(FEATURES).keys()].filter((j) => mask & (1 << j)).length;
  return Array.from({ length: FEATURES }, (_, j) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << FEATURES; mask++) {
      if (mask & (1 << j)) continue;
      const s = size(mask);
      const weight = (factorial(s) * factorial(FEATURES - s - 1)) / factorial(FEATURES);
      phi += weight * (conditional(trees, x, mask | (1 << j)) - conditional(trees, x, mask));
    }
    return phi;
  });
}

describe('TreeSHAP', () => {
  test('equals the exact Shapley values of the path-dependent game to 1e-9, missing values included, with and without precomputed leaf tables', () => {
    const random = seededRandom(7);
    for (let seed = 1; seed <= 20; seed++) {
      const trees = randomTrees(seed, 3);
      const shap = new TreeShap(trees);
      const x = Array.from({ length: FEATURES }, () => (random() < 0.1 ? Number.NaN : Math.fround(random())));
      const phi = new Float64Array(FEATURES);
      shap.explainRow(x, 0, phi, 0);
      const exact = exactShapley(trees, x);
      exact.forEach((value, j) => assert.ok(Math.abs(phi[j]! - value) <= 1e-9, `seed ${seed} feature ${j}: ${phi[j]} vs ${value}`));
      const fast = new Float64Array(FEATURES);
      new FastTreeShap(trees).explainRow(Float64Array.from(x), 0, fast, 0);
      exact.forEach((value, j) => assert.ok(Math.abs(fast[j]! - value) <= 1e-9, `seed ${seed} feature ${j} (precomputed): ${fast[j]} vs ${value}`));
      const expected = expectedScores(trees)[0]!;
      assert.ok(Math.abs(expected + phi.reduce((a, b) => a + b, 0) - conditional(trees, x, (1 << FEATURES) - 1)) <= 1e-9, `seed ${seed}: additivity`);
      assert.ok(Math.abs(expected - conditional(trees, x, 0)) <= 1e-12, `seed ${seed}: expected value`);
    }
  });
});

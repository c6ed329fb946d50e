/**
 * The ai.onnx.ml models the compiled runtime implements — tree ensembles (every branch mode,
 * missing values sent either way, each aggregate, base values, post transforms, the binary
 * classifier's special cases) and linear models — in graphs built here: each runs compiled and
 * gives onnxruntime's outputs, including on inputs exactly at the thresholds and NaN.
 */
import { after, before, describe, test } from 'node:test';
import { assertSameOutputs, floatTensor, loadBytesBoth } from '../../../../test/support/runtimes.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { OnnxGraphBuilder, type AttributeValue } from '../../../training/index.js';

/** A node of a hand-written tree: a branch (feature, threshold, children) or a leaf (weights by target). */
type TreeNode =
  | { readonly mode: string; readonly feature: number; readonly value: number; readonly yes: number; readonly no: number; readonly missingYes?: boolean }
  | { readonly weights: readonly (readonly [number, number])[] };

/** The tree attributes (nodes_…, and target_… or class_…) of trees given as lists of nodes (node id = position). */
function treeAttributes(trees: readonly (readonly TreeNode[])[], prefix: 'target' | 'class'): Record<string, AttributeValue> {
  const nodes = { tree: [] as number[], id: [] as number[], feature: [] as number[], mode: [] as string[], value: [] as number[], yes: [] as number[], no: [] as number[], missing: [] as number[] };
  const weights = { tree: [] as number[], node: [] as number[], id: [] as number[], weight: [] as number[] };
  trees.forEach((tree, t) =>
    tree.forEach((node, id) => {
      const branch = 'mode' in node;
      nodes.tree.push(t);
      nodes.id.push(id);
      nodes.feature.push(branch ? node.feature : 0);
      nodes.mode.push(branch ? node.mode : 'LEAF');
      nodes.value.push(branch ? node.value : 0);
      nodes.yes.push(branch ? node.yes : 0);
      nodes.no.push(branch ? node.no : 0);
      nodes.missing.push(branch && node.missingYes ? 1 : 0);
      if (!branch) for (const [target, weight] of node.weights) [weights.tree, weights.node, weights.id, weights.weight].forEach((list, k) => list.push([t, id, target, weight][k]!));
    }),
  );
  return {
    nodes_treeids: { ints: nodes.tree },
    nodes_nodeids: { ints: nodes.id },
    nodes_featureids: { ints: nodes.feature },
    nodes_modes: { strings: nodes.mode },
    nodes_values: { floats: nodes.value },
    nodes_truenodeids: { ints: nodes.yes },
    nodes_falsenodeids: { ints: nodes.no },
    nodes_missing_value_tracks_true: { ints: nodes.missing },
    [`${prefix}_treeids`]: { ints: weights.tree },
    [`${prefix}_nodeids`]: { ints: weights.node },
    [`${prefix}_ids`]: { ints: weights.id },
    [`${prefix}_weights`]: { floats: weights.weight },
  };
}

const leaf = (...weights: (readonly [number, number])[]): TreeNode => ({ weights });

/** Two targets' worth of trees using every branch mode, with missing values tracked both ways. */
const TREES: TreeNode[][] = [
  [{ mode: 'BRANCH_LEQ', feature: 0, value: 0.5, yes: 1, no: 2, missingYes: true }, leaf([0, 1.5], [1, -0.25]), { mode: 'BRANCH_LT', feature: 1, value: -1, yes: 3, no: 4 }, leaf([0, -2]), leaf([0, 0.75], [1, 3])],
  [{ mode: 'BRANCH_GTE', feature: 2, value: 1.25, yes: 1, no: 2 }, leaf([1, 0.5]), { mode: 'BRANCH_GT', feature: 0, value: -3, yes: 3, no: 4, missingYes: true }, leaf([0, 0.125]), leaf([1, -1])],
  [{ mode: 'BRANCH_EQ', feature: 1, value: 2, yes: 1, no: 2 }, leaf([0, 4], [1, 4]), { mode: 'BRANCH_NEQ', feature: 2, value: 0, yes: 3, no: 4 }, leaf([1, 0.3]), leaf([0, -0.7])],
];

/** Rows at, just around and away from every threshold, and with NaN in each column. */
const ROWS = [
  [0.5, -1, 1.25],
  [Math.fround(0.5000001), -1.0000001, 1.2499999],
  [0.4999999, 2, 0],
  [-3, 2, 1.3],
  [-3.0000002, 0, -5],
  [Number.NaN, 1, 1],
  [0, Number.NaN, 2],
  [7, 0.5, Number.NaN],
  [Number.NaN, Number.NaN, Number.NaN],
  [100, -100, 1e6],
];

describe('compiled ai.onnx.ml models match onnxruntime', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  async function check(name: string, build: (builder: OnnxGraphBuilder) => void, rows: readonly (readonly number[])[] = ROWS): Promise<void> {
    const builder = new OnnxGraphBuilder();
    builder.input('x', 'float', ['N', rows[0]!.length]);
    build(builder);
    const pair = await loadBytesBoth(temp.path, name, builder.build({ producerVersion: 'test', metadata: {} }));
    try {
      await assertSameOutputs(pair, { x: floatTensor(rows) }, name);
      for (const row of rows) await assertSameOutputs(pair, { x: floatTensor([row]) }, `${name} one row`);
    } finally {
      await pair.release();
    }
  }

  const ml = { domain: 'ai.onnx.ml' };

  test('TreeEnsembleRegressor: every branch mode and missing-value track, each aggregate, two targets with base values', async () => {
    await check('regressor', (g) => {
      const aggregates = ['SUM', 'AVERAGE', 'MIN', 'MAX'];
      for (const aggregate of aggregates) {
        const attributes = { ...treeAttributes(TREES, 'target'), n_targets: { i: 2 }, aggregate_function: { s: aggregate }, base_values: { floats: [0.25, -0.5] } };
        g.node('TreeEnsembleRegressor', ['x'], { ...ml, outputs: [aggregate.toLowerCase()], attributes });
        g.output(aggregate.toLowerCase(), 'float', ['N', 2]);
      }
    });
  });

  test('TreeEnsembleRegressor post transforms: SOFTMAX and LOGISTIC over two targets; one target ignores LOGISTIC as onnxruntime does', async () => {
    await check('post-transforms', (g) => {
      for (const post of ['SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO']) {
        g.node('TreeEnsembleRegressor', ['x'], { ...ml, outputs: [post.toLowerCase()], attributes: { ...treeAttributes(TREES, 'target'), n_targets: { i: 2 }, post_transform: { s: post } } });
        g.output(post.toLowerCase(), 'float', ['N', 2]);
      }
      const single = TREES.map((tree) => tree.map((node) => ('weights' in node ? leaf([0, node.weights[0]![1]]) : node)));
      g.node('TreeEnsembleRegressor', ['x'], { ...ml, outputs: ['one'], attributes: { ...treeAttributes(single, 'target'), n_targets: { i: 1 }, post_transform: { s: 'LOGISTIC' }, base_values: { floats: [0.1] } } });
      g.output('one', 'float', ['N', 1]);
    });
  });

  test('TreeEnsembleClassifier: weights on one class (gradient boosting), on both (random forest), and three classes with base values', async () => {
    await check('classifiers', (g) => {
      const oneClass = TREES.map((tree) => tree.map((node) => ('weights' in node ? leaf([0, node.weights[0]![1]]) : node)));
      const classifier = (output: string, trees: TreeNode[][], attributes: Record<string, AttributeValue>, classes: number, strings: boolean) => {
        g.node('TreeEnsembleClassifier', ['x'], { ...ml, outputs: [`${output}_label`, output], attributes: { ...treeAttributes(trees, 'class'), ...attributes } });
        g.output(`${output}_label`, strings ? 'string' : 'int64', ['N']);
        g.output(output, 'float', ['N', classes]);
      };
      classifier('boosted', oneClass, { classlabels_int64s: { ints: [0, 1] }, post_transform: { s: 'LOGISTIC' }, base_values: { floats: [0.2] } }, 2, false);
      classifier('boosted_raw', oneClass, { classlabels_int64s: { ints: [3, 7] } }, 2, false);
      const positive = TREES.map((tree) => tree.map((node) => ('weights' in node ? leaf(...node.weights.map(([target, weight]) => [target, Math.abs(weight) / 8] as const)) : node)));
      classifier('positive', oneClass.map((tree) => tree.map((node) => ('weights' in node ? leaf([0, Math.abs(node.weights[0]![1]) / 8]) : node))), { classlabels_strings: { strings: ['no', 'yes'] } }, 2, true);
      classifier('forest', positive, { classlabels_strings: { strings: ['no', 'yes'] } }, 2, true);
      const three = TREES.map((tree) => tree.map((node) => ('weights' in node ? leaf(...node.weights, [2, 0.3]) : node)));
      classifier('three', three, { classlabels_int64s: { ints: [10, 20, 30] }, post_transform: { s: 'SOFTMAX' }, base_values: { floats: [0.1, -0.1, 0] } }, 3, false);
    });
  });

  test('LinearRegressor over two targets; LinearClassifier with softmax over three classes, and one score with two labels', async () => {
    await check('linear', (g) => {
      g.node('LinearRegressor', ['x'], { ...ml, outputs: ['regression'], attributes: { coefficients: { floats: [1, -2, 0.5, 0.25, 0, 3] }, intercepts: { floats: [0.1, -0.2] }, targets: { i: 2 } } });
      g.output('regression', 'float', ['N', 2]);
      g.node('LinearClassifier', ['x'], {
        ...ml,
        outputs: ['label', 'scores'],
        attributes: { coefficients: { floats: [1, -2, 0.5, 0.25, 0, 3, -1, 1, 1] }, intercepts: { floats: [0.1, -0.2, 0] }, classlabels_ints: { ints: [5, 6, 7] }, post_transform: { s: 'SOFTMAX' } },
      });
      g.output('label', 'int64', ['N']);
      g.output('scores', 'float', ['N', 3]);
      g.node('LinearClassifier', ['x'], { ...ml, outputs: ['binary_label', 'binary'], attributes: { coefficients: { floats: [0.5, -1, 2] }, intercepts: { floats: [-0.3] }, classlabels_strings: { strings: ['deny', 'approve'] }, post_transform: { s: 'LOGISTIC' } } });
      g.output('binary_label', 'string', ['N']);
      g.output('binary', 'float', ['N', 2]);
    }, ROWS.filter((row) => row.every(Number.isFinite)));
  });
});

/**
 * The trees of an ai.onnx.ml TreeEnsembleRegressor or TreeEnsembleClassifier as flat typed
 * arrays, read the way onnxruntime reads them: each tree's root is the first node listed for it,
 * a branch goes to its true node when `x CMP threshold` holds (or x is NaN and the node tracks
 * missing values to the true side), leaf weights are attached in (tree, node) order and weights
 * on branches are ignored. Thresholds and weights are float32, inputs arrive as float32, so every
 * comparison is exactly onnxruntime's.
 */
import type { Attributes } from '../onnx-graph.js';
import { UnsupportedGraph } from '../unsupported.js';

/** Branch modes in the order of onnxruntime's NODE_MODE; LEAF is -1 in `mode`. */
export const BRANCH_MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'] as const;

export interface TreeTables {
  /** Targets (regressor) or classes (classifier): the width of the score vector. */
  readonly width: number;
  readonly roots: Int32Array;
  /** The feature a branch reads; -1 for a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Index into BRANCH_MODES; -1 for a leaf. */
  readonly mode: Int8Array;
  readonly missingTrue: Uint8Array;
  readonly trueNode: Int32Array;
  readonly falseNode: Int32Array;
  /** A leaf's weights: weightTarget/weightValue[weightStart[leaf] … + weightCount[leaf]). */
  readonly weightStart: Int32Array;
  readonly weightCount: Int32Array;
  readonly weightTarget: Int32Array;
  readonly weightValue: Float64Array;
  /** Every branch is BRANCH_LEQ and none tracks missing values to the true side: the fast path. */
  readonly simple: boolean;
  readonly maxFeature: number;
  /** The same trees padded to complete binary trees, for a descent without data-dependent branches. */
  readonly complete?: CompleteTrees | undefined;
}

/**
 * Trees of the `simple` kind as complete binary trees of one depth, in heap order (children of
 * position p at 2p + 1, true side, and 2p + 2): a leaf above the bottom is copied to every
 * bottom position below it, so the descent is `depth` steps of arithmetic, the same for every row.
 */
export interface CompleteTrees {
  readonly depth: number;
  /** Per tree, 2^depth − 1 branch positions. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Per tree, 2^depth bottom positions: the original leaf reached. */
  readonly leaf: Int32Array;
}

/** Trees deeper than this keep the pointer walk (a complete tree doubles in size per level). */
const COMPLETE_MAX_DEPTH = 10;

function list<T>(values: T[] | undefined, name: string, length?: number): T[] {
  if (!values) throw new UnsupportedGraph(`attribute ${name} is missing`);
  if (length !== undefined && values.length !== length) throw new UnsupportedGraph(`attribute ${name} has ${values.length} values, not ${length}`);
  return values;
}

/** Reads the tree attributes; `prefix` is 'target' (regressor) or 'class' (classifier). */
export function readTreeTables(attributes: Attributes, prefix: 'target' | 'class', width: number): TreeTables {
  for (const name of ['nodes_values_as_tensor', 'base_values_as_tensor', `${prefix}_weights_as_tensor`, 'nodes_hitrates_as_tensor']) {
    if (attributes.has(name)) throw new UnsupportedGraph(`${name} (double-precision trees)`);
  }
  const treeIds = list(attributes.ints('nodes_treeids'), 'nodes_treeids');
  const count = treeIds.length;
  const nodeIds = list(attributes.ints('nodes_nodeids'), 'nodes_nodeids', count);
  const features = list(attributes.ints('nodes_featureids'), 'nodes_featureids', count);
  const modes = list(attributes.strings('nodes_modes'), 'nodes_modes', count);
  const values = list(attributes.floats('nodes_values'), 'nodes_values', count);
  const trueIds = list(attributes.ints('nodes_truenodeids'), 'nodes_truenodeids', count);
  const falseIds = list(attributes.ints('nodes_falsenodeids'), 'nodes_falsenodeids', count);
  const missing = attributes.ints('nodes_missing_value_tracks_true') ?? [];
  const index = new Map<string, number>();
  treeIds.forEach((tree, k) => {
    const key = `${tree}:${nodeIds[k]}`;
    if (index.has(key)) throw new UnsupportedGraph(`node ${nodeIds[k]} of tree ${tree} is listed twice`);
    index.set(key, k);
  });
  const mode = Int8Array.from(modes, (name) => (name === 'LEAF' ? -1 : BRANCH_MODES.indexOf(name as (typeof BRANCH_MODES)[number])));
  if (modes.some((name, k) => name !== 'LEAF' && mode[k] === -1)) throw new UnsupportedGraph(`node mode ${modes.find((name, k) => name !== 'LEAF' && mode[k] === -1)}`);
  const child = (ids: number[], k: number): number => {
    if (mode[k] === -1) return -1;
    const found = index.get(`${treeIds[k]}:${ids[k]}`);
    if (found === undefined || found === k) throw new UnsupportedGraph(`node ${nodeIds[k]} of tree ${treeIds[k]} points to a missing node`);
    return found;
  };
  const roots = treeIds.flatMap((tree, k) => (k === 0 || treeIds[k - 1] !== tree ? [k] : []));
  const weights = readWeights(attributes, prefix, index, mode, width);
  const missingTrue = Uint8Array.from({ length: count }, (_, k) => (missing[k] === 1 ? 1 : 0));
  const feature = Int32Array.from({ length: count }, (_, k) => (mode[k] === -1 ? -1 : features[k]!));
  const tables = {
    width,
    roots: Int32Array.from(roots),
    feature,
    threshold: Float64Array.from(values, (value) => Math.fround(value)),
    mode,
    missingTrue,
    trueNode: Int32Array.from({ length: count }, (_, k) => child(trueIds, k)),
    falseNode: Int32Array.from({ length: count }, (_, k) => child(falseIds, k)),
    ...weights,
    simple: modes.every((name) => name === 'LEAF' || name === 'BRANCH_LEQ') && !missingTrue.includes(1),
    maxFeature: feature.reduce((max, id) => Math.max(max, id), -1),
  };
  return tables.simple ? { ...tables, complete: completeTrees(tables) } : tables;
}

function depthOf(tables: Omit<TreeTables, 'complete'>, node: number, limit: number): number {
  if (tables.feature[node]! < 0 || limit === 0) return 0;
  return 1 + Math.max(depthOf(tables, tables.trueNode[node]!, limit - 1), depthOf(tables, tables.falseNode[node]!, limit - 1));
}

function completeTrees(tables: Omit<TreeTables, 'complete'>): CompleteTrees | undefined {
  const depth = Math.max(0, ...Array.from(tables.roots, (root) => depthOf(tables, root, COMPLETE_MAX_DEPTH + 1)));
  if (depth > COMPLETE_MAX_DEPTH) return undefined;
  const branches = 2 ** depth - 1;
  const trees = tables.roots.length;
  const complete = { depth, feature: new Int32Array(trees * branches), threshold: new Float64Array(trees * branches), leaf: new Int32Array(trees * (branches + 1)) };
  const fill = (tree: number, node: number, position: number, level: number): void => {
    if (level === depth) {
      complete.leaf[tree * (branches + 1) + position - branches] = node;
      return;
    }
    const branch = tables.feature[node]! >= 0;
    complete.feature[tree * branches + position] = branch ? tables.feature[node]! : 0;
    complete.threshold[tree * branches + position] = branch ? tables.threshold[node]! : 0;
    fill(tree, branch ? tables.trueNode[node]! : node, 2 * position + 1, level + 1);
    fill(tree, branch ? tables.falseNode[node]! : node, 2 * position + 2, level + 1);
  };
  tables.roots.forEach((root, tree) => fill(tree, root, 0, 0));
  return complete;
}

function readWeights(attributes: Attributes, prefix: string, index: Map<string, number>, mode: Int8Array, width: number) {
  const trees = list(attributes.ints(`${prefix}_treeids`), `${prefix}_treeids`);
  const nodes = list(attributes.ints(`${prefix}_nodeids`), `${prefix}_nodeids`, trees.length);
  const ids = list(attributes.ints(`${prefix}_ids`), `${prefix}_ids`, trees.length);
  const values = list(attributes.floats(`${prefix}_weights`), `${prefix}_weights`, trees.length);
  // onnxruntime attaches weights sorted by (tree, node), then by position.
  const order = trees.map((_, k) => k).sort((a, b) => trees[a]! - trees[b]! || nodes[a]! - nodes[b]! || a - b);
  const byNode = new Map<number, number[]>();
  for (const k of order) {
    const node = index.get(`${trees[k]}:${nodes[k]}`);
    if (node === undefined) throw new UnsupportedGraph(`a weight names node ${nodes[k]} of tree ${trees[k]}, which does not exist`);
    if (ids[k]! < 0 || ids[k]! >= width) throw new UnsupportedGraph(`a weight goes to target ${ids[k]} of ${width}`);
    if (mode[node] !== -1) continue;
    const attached = byNode.get(node);
    if (attached) attached.push(k);
    else byNode.set(node, [k]);
  }
  const weightStart = new Int32Array(mode.length);
  const weightCount = new Int32Array(mode.length);
  const target: number[] = [];
  const value: number[] = [];
  for (let node = 0; node < mode.length; node++) {
    const attached = byNode.get(node) ?? [];
    weightStart[node] = target.length;
    weightCount[node] = attached.length;
    for (const k of attached) {
      target.push(ids[k]!);
      value.push(Math.fround(values[k]!));
    }
  }
  return { weightStart, weightCount, weightTarget: Int32Array.from(target), weightValue: Float64Array.from(value) };
}

/** The leaf a row reaches in tree `tree`; `x[offset + feature]` are the row's features. */
export function findLeaf(tables: TreeTables, tree: number, x: ArrayLike<number>, offset: number): number {
  const complete = tables.complete;
  if (complete) {
    const branches = (1 << complete.depth) - 1;
    const base = tree * branches;
    let position = 0;
    for (let level = 0; level < complete.depth; level++) {
      const at = base + position;
      position = 2 * position + (x[offset + complete.feature[at]!]! <= complete.threshold[at]! ? 1 : 2);
    }
    return complete.leaf[tree * (branches + 1) + position - branches]!;
  }
  const { feature, threshold, trueNode, falseNode } = tables;
  let node = tables.roots[tree]!;
  if (tables.simple) {
    while (feature[node]! >= 0) node = x[offset + feature[node]!]! <= threshold[node]! ? trueNode[node]! : falseNode[node]!;
    return node;
  }
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    const value = x[offset + f]!;
    const t = threshold[node]!;
    let goTrue: boolean;
    switch (tables.mode[node]) {
      case 0:
        goTrue = value <= t;
        break;
      case 1:
        goTrue = value < t;
        break;
      case 2:
        goTrue = value >= t;
        break;
      case 3:
        goTrue = value > t;
        break;
      case 4:
        goTrue = value === t;
        break;
      default:
        goTrue = value !== t;
    }
    node = goTrue || (tables.missingTrue[node] === 1 && value !== value) ? trueNode[node]! : falseNode[node]!;
  }
  return node;
}

/** For each feature, the thresholds branches compare it with (to probe values around them). */
export function thresholdsByFeature(tables: TreeTables): Map<number, number[]> {
  const result = new Map<number, number[]>();
  tables.feature.forEach((feature, node) => {
    if (feature < 0) return;
    const known = result.get(feature);
    if (known) known.push(tables.threshold[node]!);
    else result.set(feature, [tables.threshold[node]!]);
  });
  return result;
}

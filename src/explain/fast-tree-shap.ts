/**
 * The same path-dependent TreeSHAP values as tree-shap.ts, faster for trees of moderate depth by
 * precomputation (the idea of Yang's "Fast TreeSHAP" v2, 2021): a leaf's contribution to each of
 * the k distinct features on its path depends only on those features' cover fractions (fixed per
 * leaf) and on which of the path's conditions the row meets (one bit per feature, 2^k patterns).
 * So each leaf gets a table of its weights for every pattern, computed once with the original
 * algorithm's path polynomial; explaining a row is then, per tree, one decision per branch and,
 * per leaf, a pattern lookup and k additions, instead of the O(depth²) unwinding at every leaf.
 * Trees with a leaf deeper than {@link MAX_PATTERN_FEATURES} distinct features use the original.
 */
import { availableParallelism } from 'node:os';
import { ResidentWorkers, residentSource } from '../core/index.js';
import type { TreeTables } from '../inference/index.js';
import { TreeShap, type ExplainableTrees } from './tree-shap.js';

/** 2^12 patterns × 12 weights per leaf at most (~400 kB a leaf); deeper paths use the original algorithm. */
export const MAX_PATTERN_FEATURES = 12;

interface LeafTable {
  readonly leaf: number;
  /** The path's branch nodes, the side the path takes at each (1 true, 0 false), and the slot of its feature. */
  readonly nodes: Int32Array;
  readonly sides: Uint8Array;
  readonly slots: Uint8Array;
  /** The distinct features, by slot. */
  readonly features: Int32Array;
  /** [pattern][slot]: (o − z) × the unwound path weight. */
  readonly weights: Float64Array;
}

interface PathStep {
  readonly node: number;
  readonly side: number;
}

/** The path polynomial's weights after extending by (z, o) pairs; element 0 is the original algorithm's empty root element (weight 1). */
function extendAll(zero: readonly number[], one: readonly number[]): Float64Array {
  const depth = zero.length;
  const weight = new Float64Array(depth + 1);
  weight[0] = 1;
  for (let d = 1; d <= depth; d++) {
    const z = zero[d - 1]!;
    const o = one[d - 1]!;
    weight[d] = 0;
    for (let i = d - 1; i >= 0; i--) {
      weight[i + 1]! += (o * weight[i]! * (i + 1)) / (d + 1);
      weight[i] = (z * weight[i]! * (d - i)) / (d + 1);
    }
  }
  return weight;
}

/** Σ of the weights with element `index` (1-based among the features) unwound. */
function unwoundSum(weight: Float64Array, depth: number, zero: number, one: number): number {
  let next = weight[depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const held = (next * (depth + 1)) / ((i + 1) * one);
      total += held;
      next = weight[i]! - (held * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += weight[i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function leafTable(trees: ExplainableTrees, leaf: number, path: readonly PathStep[]): LeafTable | undefined {
  const { tables, covers } = trees;
  const features: number[] = [];
  const zero: number[] = [];
  const slots: number[] = [];
  for (const step of path) {
    const feature = tables.feature[step.node]!;
    const child = step.side ? tables.trueNode[step.node]! : tables.falseNode[step.node]!;
    const fraction = covers[step.node]! > 0 ? covers[child]! / covers[step.node]! : 0.5;
    let slot = features.indexOf(feature);
    if (slot < 0) {
      slot = features.length;
      features.push(feature);
      zero.push(1);
    }
    zero[slot]! *= fraction;
    slots.push(slot);
  }
  const k = features.length;
  if (k > MAX_PATTERN_FEATURES) return undefined;
  const weights = new Float64Array((1 << k) * k);
  for (let pattern = 0; pattern < 1 << k; pattern++) {
    const one = features.map((_, slot) => (pattern >> slot) & 1);
    const weight = extendAll(zero, one);
    for (let slot = 0; slot < k; slot++) weights[pattern * k + slot] = unwoundSum(weight, k, zero[slot]!, one[slot]!) * (one[slot]! - zero[slot]!);
  }
  return { leaf, nodes: Int32Array.from(path, (step) => step.node), sides: Uint8Array.from(path, (step) => step.side), slots: Uint8Array.from(slots), features: Int32Array.from(features), weights };
}

/**
 * All tabled trees in flat typed arrays, for a row loop without objects: each tree's nodes in
 * preorder (a parent before its children), so one pass computes, for every node, the pattern of
 * the row's agreement with the path to it: a node's slot (its feature's place among the distinct
 * features on its path) is the same for every leaf below it.
 */
interface FlatTables {
  /** Per tree: its nodes in preorder [orderStart[t], orderStart[t + 1]). */
  readonly orderStart: Int32Array;
  readonly order: Int32Array;
  /** Per position: the parent's position (-1 for a root), whether it is the parent's true child, the parent's slot. */
  readonly parent: Int32Array;
  readonly viaTrue: Uint8Array;
  readonly parentSlot: Uint8Array;
  /** Per position: the leaf's index in the leaf arrays, or -1 for a branch. */
  readonly leafAt: Int32Array;
  /** Per leaf: its node, features [featureStart[l], featureStart[l + 1]), weights from weightOffset[l]. */
  readonly leafNode: Int32Array;
  readonly featureStart: Int32Array;
  readonly featureIds: Int32Array;
  readonly weightOffset: Float64Array;
  readonly weights: Float64Array;
  /** Single-output models: each leaf's value (NaN otherwise); their weights already include it. */
  readonly leafValue: Float64Array;
  /** The most nodes in one tree (sizes the per-row scratch). */
  readonly maxNodes: number;
}

class FlatBuilder {
  readonly orderStart = [0];
  readonly order: number[] = [];
  readonly parent: number[] = [];
  readonly viaTrue: number[] = [];
  readonly parentSlot: number[] = [];
  readonly leafAt: number[] = [];
  readonly leafNode: number[] = [];
  readonly featureStart = [0];
  readonly featureIds: number[] = [];
  readonly weightOffset: number[] = [];
  readonly weightParts: Float64Array[] = [];
  readonly leafValue: number[] = [];
  weightLength = 0;
  maxNodes = 0;

  /** Adds a tree; false (and nothing added) when a path has too many distinct features. */
  addTree(trees: ExplainableTrees, root: number): boolean {
    const { tables } = trees;
    const mark = { order: this.order.length, leaves: this.leafNode.length, features: this.featureIds.length, weights: this.weightParts.length, weightLength: this.weightLength };
    const walk = (node: number, parentPosition: number, viaTrue: number, slot: number, path: PathStep[], features: number[]): boolean => {
      const position = this.order.length;
      this.order.push(node);
      this.parent.push(parentPosition);
      this.viaTrue.push(viaTrue);
      this.parentSlot.push(slot);
      if (tables.feature[node]! < 0) {
        const table = leafTable(trees, node, path);
        if (!table) return false;
        this.leafAt.push(this.leafNode.length);
        this.leafNode.push(node);
        this.featureIds.push(...table.features);
        this.featureStart.push(this.featureIds.length);
        const start = tables.weightStart[node]!;
        let value = 0;
        for (let c = start; c < start + tables.weightCount[node]!; c++) value += tables.weightValue[c]!;
        // One output: the leaf's value is folded into its weights, one multiplication less per addition.
        this.weightOffset.push(this.weightLength);
        this.weightParts.push(tables.width === 1 ? table.weights.map((weight) => weight * value) : table.weights);
        this.weightLength += table.weights.length;
        this.leafValue.push(tables.width === 1 ? value : Number.NaN);
        return true;
      }
      this.leafAt.push(-1);
      const feature = tables.feature[node]!;
      const known = features.indexOf(feature);
      const ownSlot = known >= 0 ? known : features.length;
      const below = known >= 0 ? features : [...features, feature];
      return walk(tables.trueNode[node]!, position, 1, ownSlot, [...path, { node, side: 1 }], below) && walk(tables.falseNode[node]!, position, 0, ownSlot, [...path, { node, side: 0 }], below);
    };
    if (!walk(root, -1, 0, 0, [], [])) {
      for (const list of [this.order, this.parent, this.viaTrue, this.parentSlot, this.leafAt]) list.length = mark.order;
      this.leafNode.length = mark.leaves;
      this.leafValue.length = mark.leaves;
      this.weightOffset.length = mark.leaves;
      this.featureStart.length = mark.leaves + 1;
      this.featureIds.length = mark.features;
      this.weightParts.length = mark.weights;
      this.weightLength = mark.weightLength;
      return false;
    }
    this.maxNodes = Math.max(this.maxNodes, this.order.length - mark.order);
    this.orderStart.push(this.order.length);
    return true;
  }

  build(): FlatTables {
    const weights = new Float64Array(this.weightLength);
    this.weightParts.forEach((part, l) => weights.set(part, this.weightOffset[l]!));
    return {
      orderStart: Int32Array.from(this.orderStart),
      order: Int32Array.from(this.order),
      parent: Int32Array.from(this.parent),
      viaTrue: Uint8Array.from(this.viaTrue),
      parentSlot: Uint8Array.from(this.parentSlot),
      leafAt: Int32Array.from(this.leafAt),
      leafNode: Int32Array.from(this.leafNode),
      featureStart: Int32Array.from(this.featureStart),
      featureIds: Int32Array.from(this.featureIds),
      weightOffset: Float64Array.from(this.weightOffset),
      weights,
      leafValue: Float64Array.from(this.leafValue),
      maxNodes: this.maxNodes,
    };
  }
}

export class FastTreeShap {
  /** Trees explained with leaf tables, flattened; the rest (a path too deep) with the original algorithm. */
  private readonly flat: FlatTables;
  private readonly deepTrees: number[] = [];
  private readonly fallback: TreeShap;

  constructor(private readonly trees: ExplainableTrees) {
    this.fallback = new TreeShap(trees);
    const builder = new FlatBuilder();
    trees.tables.roots.forEach((root, tree) => {
      if (!builder.addTree(trees, root)) this.deepTrees.push(tree);
    });
    this.flat = builder.build();
  }

  /** Adds row `x`'s SHAP values to `phi` at `phiOffset` (features × width, row-major). */
  explainRow(x: Float64Array, xOffset: number, phi: Float64Array, phiOffset: number): void {
    const { tables } = this.trees;
    explainFlatRows(tables, this.flat, x, xOffset, 0, 1, 0, phi, phiOffset, 0);
    for (const tree of this.deepTrees) this.fallback.explainTree(tree, x, xOffset, phi, phiOffset);
  }

  /**
   * Explains `rows` rows of `x` (each `xWidth` wide) into a new array of rows × `phiStride`, on two
   * threads when there is enough work: the second half of the rows goes to a worker.
   */
  async explainRows(x: Float64Array, rows: number, xWidth: number, phiStride: number): Promise<Float64Array> {
    const { tables } = this.trees;
    const phi = new Float64Array(rows * phiStride);
    const work = rows * (tables.roots.length - this.deepTrees.length);
    const split = work >= PARALLEL_WORK && availableParallelism() >= 2 ? Math.floor(rows / 2) : rows;
    const away = split < rows ? explainInWorker(tables, this.flat, x, xWidth, split, rows, phiStride) : undefined;
    explainFlatRows(tables, this.flat, x, 0, 0, split, xWidth, phi, 0, phiStride);
    if (away) phi.set(await away, split * phiStride);
    for (let row = 0; row < rows; row++) for (const tree of this.deepTrees) this.fallback.explainTree(tree, x, row * xWidth, phi, row * phiStride);
    return phi;
  }
}

/** Below this many row × tree pairs, a thread's start-up and copies cost more than they save. */
const PARALLEL_WORK = 100_000;

/** The tree attributes the row loop reads. */
type RowTables = Pick<TreeTables, 'feature' | 'threshold' | 'mode' | 'missingTrue' | 'width' | 'weightStart' | 'weightCount' | 'weightTarget' | 'weightValue'>;

/**
 * Rows [rowStart, rowEnd) of `x` (row r at r × xWidth + xOffset) into `phi` (row r at
 * (r − phiBase) × phiStride + phiOffset). Self-contained: its source also runs in the worker.
 */
export function explainFlatRows(tables: RowTables, flat: FlatTables, x: Float64Array, xOffset: number, rowStart: number, rowEnd: number, xWidth: number, phi: Float64Array, phiOffset: number, phiStride: number, phiBase = rowStart): void {
  const { feature, threshold, mode, missingTrue } = tables;
  const { order, parent, viaTrue, parentSlot, leafAt, featureStart, featureIds, weightOffset, weights } = flat;
  const width = tables.width;
  const single = width === 1;
  const trees = flat.orderStart.length - 1;
  // Per position of the current tree: the row's side at a branch, the agreement pattern at a node.
  const side = new Uint8Array(flat.maxNodes);
  const pattern = new Int32Array(flat.maxNodes);
  for (let row = rowStart; row < rowEnd; row++) {
    const xAt = xOffset + row * xWidth;
    const phiAt = phiOffset + (row - phiBase) * phiStride;
    for (let t = 0; t < trees; t++) {
      const first = flat.orderStart[t]!;
      const end = flat.orderStart[t + 1]!;
      for (let p = first; p < end; p++) {
        const local = p - first;
        const up = parent[p]!;
        // A feature's bit stays set while the row meets every condition on it along the path.
        pattern[local] = up < 0 ? -1 : side[up - first] === viaTrue[p] ? pattern[up - first]! : pattern[up - first]! & ~(1 << parentSlot[p]!);
        const leaf = leafAt[p]!;
        const node = order[p]!;
        if (leaf < 0) {
          const value = x[xAt + feature[node]!]!;
          const limit = threshold[node]!;
          const m = mode[node];
          const met = m === 1 ? value < limit : m === 0 ? value <= limit : m === 2 ? value >= limit : m === 3 ? value > limit : m === 4 ? value === limit : value !== limit;
          side[local] = met || (missingTrue[node] === 1 && value !== value) ? 1 : 0;
          continue;
        }
        const f0 = featureStart[leaf]!;
        const k = featureStart[leaf + 1]! - f0;
        if (k === 0) continue;
        const base = weightOffset[leaf]! + (pattern[local]! & ((1 << k) - 1)) * k;
        if (single) {
          for (let slot = 0; slot < k; slot++) phi[phiAt + featureIds[f0 + slot]!]! += weights[base + slot]!;
          continue;
        }
        const start = tables.weightStart[node]!;
        const stop = start + tables.weightCount[node]!;
        for (let slot = 0; slot < k; slot++) {
          const w = weights[base + slot]!;
          const at = phiAt + featureIds[f0 + slot]! * width;
          for (let c = start; c < stop; c++) phi[at + tables.weightTarget[c]!]! += w * tables.weightValue[c]!;
        }
      }
    }
  }
}

/** Resident threads (see core/resident-workers.ts) running the source of {@link explainFlatRows} itself. */
const explainers = new ResidentWorkers(
  residentSource(`
const explainFlatRows = ${explainFlatRows.toString()};
function handle({ tables, flat, x, xWidth, rowStart, rowEnd, phiStride }) {
  const phi = new Float64Array((rowEnd - rowStart) * phiStride);
  explainFlatRows(tables, flat, x, 0, rowStart, rowEnd, xWidth, phi, 0, phiStride, rowStart);
  return { reply: phi, transfer: [phi.buffer] };
}
`),
  'the explaining thread',
);

/** Rows [rowStart, rowEnd) on a worker thread (the tables copied to it); resolves with their values. */
function explainInWorker(tables: TreeTables, flat: FlatTables, x: Float64Array, xWidth: number, rowStart: number, rowEnd: number, phiStride: number): Promise<Float64Array> {
  const rowTables: RowTables = { feature: tables.feature, threshold: tables.threshold, mode: tables.mode, missingTrue: tables.missingTrue, width: tables.width, weightStart: tables.weightStart, weightCount: tables.weightCount, weightTarget: tables.weightTarget, weightValue: tables.weightValue };
  return explainers.run<Float64Array>({ tables: rowTables, flat, x: x.subarray(0, rowEnd * xWidth), xWidth, rowStart, rowEnd, phiStride });
}

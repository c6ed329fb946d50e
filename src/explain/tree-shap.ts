/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion and Lee, "Consistent individualized feature
 * attribution for tree ensembles", 2018, Algorithm 2; the polynomial-time form of "From local
 * explanations to global understanding with explainable AI for trees", 2020): for one row, the
 * Shapley values of each feature for the trees' raw score, where a feature left out of a coalition
 * follows both children weighted by their covers. Written by hand: no JavaScript library has it.
 *
 * The path state lives in preallocated typed arrays (one slice per depth), so explaining a row
 * allocates nothing; decisions are onnxruntime's (the same comparisons, NaN to the side the node
 * tracks missing values to).
 */
import type { TreeTables } from '../inference/index.js';

/** A tree ensemble ready to explain: its tables, per-node covers (by position) and base scores. */
export interface ExplainableTrees {
  readonly tables: TreeTables;
  /** Per node position: the cover (training weight) that reached it. */
  readonly covers: Float64Array;
  /** Added to each score column before any post-transform. */
  readonly base: Float64Array;
  /** Deepest path (branches) in any tree: sizes the path storage. */
  readonly maxDepth: number;
}

function goesTrue(tables: TreeTables, node: number, value: number): boolean {
  const t = tables.threshold[node]!;
  let result: boolean;
  switch (tables.mode[node]) {
    case 0:
      result = value <= t;
      break;
    case 1:
      result = value < t;
      break;
    case 2:
      result = value >= t;
      break;
    case 3:
      result = value > t;
      break;
    case 4:
      result = value === t;
      break;
    default:
      result = value !== t;
  }
  return result || (tables.missingTrue[node] === 1 && value !== value);
}

/** The deepest root-to-leaf path of any tree, in branches. */
export function maxTreeDepth(tables: TreeTables): number {
  let deepest = 0;
  const walk = (node: number, depth: number): void => {
    if (tables.feature[node]! < 0) {
      deepest = Math.max(deepest, depth);
      return;
    }
    walk(tables.trueNode[node]!, depth + 1);
    walk(tables.falseNode[node]!, depth + 1);
  };
  tables.roots.forEach((root) => walk(root, 0));
  return deepest;
}

/**
 * Each score column's expected value: base + Σ over trees of the cover-weighted mean of its
 * leaves, computed bottom-up as XGBoost does (a node's mean is its children's means weighted by
 * their covers), which is also the bias term of `pred_contribs`.
 */
export function expectedScores(trees: ExplainableTrees): Float64Array {
  const { tables, covers } = trees;
  const expected = Float64Array.from(trees.base);
  const mean = (node: number, column: number): number => {
    if (tables.feature[node]! < 0) {
      let sum = 0;
      const start = tables.weightStart[node]!;
      for (let w = start; w < start + tables.weightCount[node]!; w++) if (tables.weightTarget[w] === column) sum += tables.weightValue[w]!;
      return sum;
    }
    const left = tables.trueNode[node]!;
    const right = tables.falseNode[node]!;
    const total = covers[left]! + covers[right]!;
    if (total <= 0) return (mean(left, column) + mean(right, column)) / 2;
    return (mean(left, column) * covers[left]! + mean(right, column) * covers[right]!) / total;
  };
  for (let column = 0; column < tables.width; column++) for (const root of tables.roots) expected[column]! += mean(root, column);
  return expected;
}

/** Explains rows; `phi` gets, per row, features × score columns (row-major: [row][feature][column]). */
export class TreeShap {
  private readonly size: number;
  private readonly feature: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly weight: Float64Array;

  constructor(private readonly trees: ExplainableTrees) {
    const depth = trees.maxDepth + 2;
    this.size = ((depth + 1) * (depth + 2)) / 2;
    this.feature = new Int32Array(this.size);
    this.zero = new Float64Array(this.size);
    this.one = new Float64Array(this.size);
    this.weight = new Float64Array(this.size);
  }

  /** Adds row `x`'s SHAP values to `phi` at `phiOffset` (featureCount × width, row-major). */
  explainRow(x: ArrayLike<number>, xOffset: number, phi: Float64Array, phiOffset: number): void {
    for (const root of this.trees.tables.roots) this.recurse(root, x, xOffset, phi, phiOffset, 0, 0, 1, 1, -1);
  }

  /** The same for one tree. */
  explainTree(tree: number, x: ArrayLike<number>, xOffset: number, phi: Float64Array, phiOffset: number): void {
    this.recurse(this.trees.tables.roots[tree]!, x, xOffset, phi, phiOffset, 0, 0, 1, 1, -1);
  }

  private extend(at: number, depth: number, zero: number, one: number, feature: number): void {
    const { weight } = this;
    this.feature[at + depth] = feature;
    this.zero[at + depth] = zero;
    this.one[at + depth] = one;
    weight[at + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      weight[at + i + 1]! += (one * weight[at + i]! * (i + 1)) / (depth + 1);
      weight[at + i] = (zero * weight[at + i]! * (depth - i)) / (depth + 1);
    }
  }

  private unwind(at: number, depth: number, index: number): void {
    const { weight } = this;
    const one = this.one[at + index]!;
    const zero = this.zero[at + index]!;
    let next = weight[at + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const held = weight[at + i]!;
        weight[at + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = held - (weight[at + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        // A branch no training row reached (cover 0) has zero and one fractions of 0: its weight is 0.
        weight[at + i] = zero === 0 ? 0 : (weight[at + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      this.feature[at + i] = this.feature[at + i + 1]!;
      this.zero[at + i] = this.zero[at + i + 1]!;
      this.one[at + i] = this.one[at + i + 1]!;
    }
  }

  /** The sum of the path's weights with element `index` unwound, without changing the path. */
  private unwoundSum(at: number, depth: number, index: number): number {
    const { weight } = this;
    const one = this.one[at + index]!;
    const zero = this.zero[at + index]!;
    let next = weight[at + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const held = (next * (depth + 1)) / ((i + 1) * one);
        total += held;
        next = weight[at + i]! - (held * zero * (depth - i)) / (depth + 1);
      } else if (zero !== 0) {
        total += (weight[at + i]! / zero) / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }

  private recurse(node: number, x: ArrayLike<number>, xOffset: number, phi: Float64Array, phiOffset: number, parentAt: number, depth: number, zeroFraction: number, oneFraction: number, featureIndex: number): void {
    const { tables, covers } = this.trees;
    const width = tables.width;
    // This level's copy of the path sits after the parent's.
    const at = parentAt + (depth === 0 ? 0 : depth);
    if (depth > 0) {
      for (let i = 0; i < depth; i++) {
        this.feature[at + i] = this.feature[parentAt + i]!;
        this.zero[at + i] = this.zero[parentAt + i]!;
        this.one[at + i] = this.one[parentAt + i]!;
        this.weight[at + i] = this.weight[parentAt + i]!;
      }
    }
    this.extend(at, depth, zeroFraction, oneFraction, featureIndex);
    const split = tables.feature[node]!;
    if (split < 0) {
      const start = tables.weightStart[node]!;
      const count = tables.weightCount[node]!;
      for (let i = 1; i <= depth; i++) {
        const scale = this.unwoundSum(at, depth, i) * (this.one[at + i]! - this.zero[at + i]!);
        const base = phiOffset + this.feature[at + i]! * width;
        for (let w = start; w < start + count; w++) phi[base + tables.weightTarget[w]!]! += scale * tables.weightValue[w]!;
      }
      return;
    }
    const value = x[xOffset + split]!;
    const hot = goesTrue(tables, node, value) ? tables.trueNode[node]! : tables.falseNode[node]!;
    const cold = hot === tables.trueNode[node] ? tables.falseNode[node]! : tables.trueNode[node]!;
    const cover = covers[node]!;
    const hotFraction = cover > 0 ? covers[hot]! / cover : 0.5;
    const coldFraction = cover > 0 ? covers[cold]! / cover : 0.5;
    let incomingZero = 1;
    let incomingOne = 1;
    let pathDepth = depth;
    for (let k = 1; k <= depth; k++) {
      if (this.feature[at + k] === split) {
        incomingZero = this.zero[at + k]!;
        incomingOne = this.one[at + k]!;
        this.unwind(at, depth, k);
        pathDepth -= 1;
        break;
      }
    }
    this.recurse(hot, x, xOffset, phi, phiOffset, at, pathDepth + 1, hotFraction * incomingZero, incomingOne, split);
    this.recurse(cold, x, xOffset, phi, phiOffset, at, pathDepth + 1, coldFraction * incomingZero, 0, split);
  }
}

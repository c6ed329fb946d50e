/**
 * Growing one regression tree on gradients and hessians from binned features, best split first
 * (as LightGBM and scikit-learn's HistGradientBoosting grow leaf-wise): the open leaf with the
 * largest gain is split next, until no leaf can be split (`maxDepth`, `minSamplesLeaf`, no gain)
 * or the tree has `maxLeafNodes` leaves. Without a leaf limit every splittable leaf is split, so
 * the tree is the level-wise one. A child's histogram is its parent's minus its sibling's, so only
 * the smaller child is counted, during the same pass that partitions the parent's rows.
 */
import type { CountedSide, TreeKernels } from './tree-kernels.js';

export interface TreeNode {
  /** For splits: the feature and its bin edge; x ≤ threshold goes left. */
  readonly feature: number;
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
  /** For leaves (feature −1): the output, learning rate included, as float32. */
  readonly value: number;
  /** The hessian sum of the training rows that reached the node (XGBoost's "cover"; TreeSHAP weights paths by it). */
  readonly cover: number;
}

export interface Tree {
  readonly nodes: readonly TreeNode[];
}

export interface TreeOptions {
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
  /** At most this many leaves (unlimited when undefined). */
  readonly maxLeafNodes?: number | undefined;
}

export interface Histograms {
  readonly edges: readonly Float64Array[];
  /** Bins per feature (edges + 1). */
  readonly binCounts: Int32Array;
  /** Offset of each feature's bins in a histogram. */
  readonly offsets: Int32Array;
  readonly size: number;
}

/** A leaf that may still be split: its rows are `ids[start, end)`. */
interface OpenLeaf {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly gradient: number;
  readonly hessian: number;
  readonly histogram: Float64Array;
  readonly split: Split;
}

/** Histograms are reused across nodes and trees: each is (size × 3) doubles. */
class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly length: number) {}
  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }
  give(histogram: Float64Array): void {
    this.free.push(histogram);
  }
}

const pools = new WeakMap<TreeKernels, HistogramPool>();

/** Grows a tree for output `output` and adds its leaf values to the kernels' scores. */
export function growTree(layout: Histograms, kernels: TreeKernels, options: TreeOptions, output: number): Tree {
  let pool = pools.get(kernels);
  if (!pool) pools.set(kernels, (pool = new HistogramPool(layout.size * 3)));
  const { l2, learningRate, maxDepth, minSamplesLeaf } = options;
  const maxLeaves = options.maxLeafNodes ?? Infinity;
  const rows = kernels.rows;
  const nodes: TreeNode[] = [];
  const leafValue = (gradient: number, hessian: number): number => Math.fround((-gradient / (hessian + l2)) * learningRate);
  const setLeaf = (id: number, value: number, hessian: number): void => {
    nodes[id] = { feature: -1, threshold: 0, left: -1, right: -1, value, cover: hessian };
  };
  const canGrow = (depth: number, count: number): boolean => depth < maxDepth && count >= 2 * minSamplesLeaf;

  const open: OpenLeaf[] = [];
  /** A new leaf: opened when it has a split worth making, otherwise closed with its value. */
  const consider = (id: number, start: number, end: number, depth: number, gradient: number, hessian: number, histogram: Float64Array | undefined): void => {
    const split = histogram && canGrow(depth, end - start) ? bestSplit(layout, histogram, end - start, gradient, hessian, options) : undefined;
    if (split) {
      open.push({ id, start, end, depth, gradient, hessian, histogram: histogram!, split });
      return;
    }
    if (histogram) pool.give(histogram);
    const value = leafValue(gradient, hessian);
    setLeaf(id, value, hessian);
    kernels.addLeaf(start, end, value);
  };

  kernels.resetIds();
  nodes.push(unfilledSlot());
  if (canGrow(0, rows)) {
    const histogram = pool.take();
    kernels.histogramOfAll(histogram);
    const [gradient, hessian] = totals(histogram, layout.binCounts[0]!);
    consider(0, 0, rows, 0, gradient, hessian, histogram);
  } else {
    const [gradient, hessian] = kernels.sums();
    consider(0, 0, rows, 0, gradient, hessian, undefined);
  }

  let leaves = 1;
  while (open.length > 0 && leaves < maxLeaves) {
    const leaf = takeBest(open);
    const { split } = leaf;
    leaves++;
    const leftId = nodes.length;
    const rightId = leftId + 1;
    nodes.push(unfilledSlot(), unfilledSlot());
    nodes[leaf.id] = { feature: split.feature, threshold: layout.edges[split.feature]![split.bin]!, left: leftId, right: rightId, value: 0, cover: leaf.hessian };
    const leftCount = split.leftCount;
    const rightCount = leaf.end - leaf.start - leftCount;
    const rightGradient = leaf.gradient - split.leftGradient;
    const rightHessian = leaf.hessian - split.leftHessian;
    const depth = leaf.depth + 1;

    if ((!canGrow(depth, leftCount) && !canGrow(depth, rightCount)) || leaves >= maxLeaves) {
      // Both children stay leaves: add their values in place, no partition needed.
      pool.give(leaf.histogram);
      const leftValue = leafValue(split.leftGradient, split.leftHessian);
      const rightValue = leafValue(rightGradient, rightHessian);
      kernels.addSplitLeaves(leaf.start, leaf.end, split.feature, split.bin, leftValue, rightValue);
      setLeaf(leftId, leftValue, split.leftHessian);
      setLeaf(rightId, rightValue, rightHessian);
      continue;
    }
    const side: CountedSide = leftCount <= rightCount ? 'left' : 'right';
    const small = pool.take();
    kernels.split(leaf.start, leaf.end, split.feature, split.bin, side, small);
    const large = leaf.histogram;
    for (let index = 0; index < large.length; index++) large[index]! -= small[index]!;
    const [leftHistogram, rightHistogram] = side === 'left' ? [small, large] : [large, small];
    const middle = leaf.start + leftCount;
    consider(leftId, leaf.start, middle, depth, split.leftGradient, split.leftHessian, leftHistogram);
    consider(rightId, middle, leaf.end, depth, rightGradient, rightHessian, rightHistogram);
  }
  // Leaves still open when the leaf limit is reached keep their values.
  for (const leaf of open) consider(leaf.id, leaf.start, leaf.end, maxDepth, leaf.gradient, leaf.hessian, leaf.histogram);
  kernels.applyLeaves(output);
  return { nodes };
}

/** A node's slot, reserved when its id is handed out; it is filled once the node is split or made a leaf. */
function unfilledSlot(): TreeNode {
  return { feature: -1, threshold: 0, left: -1, right: -1, value: 0, cover: 0 };
}

/** Removes and returns the open leaf with the largest gain (the earliest created on ties). */
function takeBest(open: OpenLeaf[]): OpenLeaf {
  let best = 0;
  for (let index = 1; index < open.length; index++) {
    const gain = open[index]!.split.gain;
    const bestGain = open[best]!.split.gain;
    if (gain > bestGain || (gain === bestGain && open[index]!.id < open[best]!.id)) best = index;
  }
  return open.splice(best, 1)[0]!;
}

/** The gradient and hessian sums of a node, read off one feature's bins. */
function totals(histogram: Float64Array, bins: number): [number, number] {
  let gradient = 0;
  let hessian = 0;
  for (let b = 0; b < bins; b++) {
    gradient += histogram[b * 3]!;
    hessian += histogram[b * 3 + 1]!;
  }
  return [gradient, hessian];
}

interface Split {
  readonly feature: number;
  readonly bin: number;
  readonly gain: number;
  readonly leftGradient: number;
  readonly leftHessian: number;
  readonly leftCount: number;
}

function bestSplit(layout: Histograms, histogram: Float64Array, count: number, gradient: number, hessian: number, options: TreeOptions): Split | undefined {
  const { l2, minSamplesLeaf } = options;
  const parentScore = (gradient * gradient) / (hessian + l2);
  let best: Split | undefined;
  let bestGain = 1e-12;
  for (let f = 0; f < layout.binCounts.length; f++) {
    const offset = layout.offsets[f]!;
    let g = 0;
    let h = 0;
    let n = 0;
    for (let b = 0; b < layout.binCounts[f]! - 1; b++) {
      const slot = (offset + b) * 3;
      g += histogram[slot]!;
      h += histogram[slot + 1]!;
      n += histogram[slot + 2]!;
      if (n < minSamplesLeaf) continue;
      if (count - n < minSamplesLeaf) break;
      const rightG = gradient - g;
      const rightH = hessian - h;
      const gain = (g * g) / (h + l2) + (rightG * rightG) / (rightH + l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: f, bin: b, gain, leftGradient: g, leftHessian: h, leftCount: n };
      }
    }
  }
  return best;
}

/** The tree's output for one prepared row (float32 comparisons, as onnxruntime). */
export function predictTree(tree: Tree, features: Float64Array, offset: number): number {
  let node = tree.nodes[0]!;
  while (node.feature >= 0) node = tree.nodes[features[offset + node.feature]! <= node.threshold ? node.left : node.right]!;
  return node.value;
}

/**
 * Growing one regression tree on gradients and hessians from binned features, level by level to
 * a maximum depth, with histogram subtraction (a child's histogram is its parent's minus its
 * sibling's, so only the smaller child is counted). Rows live in a {@link TrainingFrame}, so
 * every pass over a node reads memory in order.
 */
import type { TrainingFrame } from './frame.js';
import type { HistogramHelper } from './histogram-helper.js';

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
}

export interface Histograms {
  readonly edges: readonly Float64Array[];
  /** Bins per feature (edges + 1). */
  readonly binCounts: Int32Array;
  /** Offset of each feature's bins in a histogram. */
  readonly offsets: Int32Array;
  readonly size: number;
}

interface Pending {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly histogram: Float64Array;
  readonly depth: number;
  readonly gradient: number;
  readonly hessian: number;
}

const EMPTY = new Float64Array(0);

/** Nodes smaller than this are counted on one thread (the hand-over costs more than it saves). */
const PARALLEL_NODE_ROWS = 10_000;

/** (gradient, hessian, count) per bin of every feature, over positions [start, end). */
function buildHistogram(layout: Histograms, frame: TrainingFrame, start: number, end: number, helper: HistogramHelper | undefined): Float64Array {
  if (helper && end - start >= PARALLEL_NODE_ROWS) return helper.build(start, end, (from, to) => countHistogram(layout, frame, from, to));
  return countHistogram(layout, frame, start, end);
}

function countHistogram(layout: Histograms, frame: TrainingFrame, start: number, end: number): Float64Array {
  const histogram = new Float64Array(layout.size * 3);
  const { bins, width, stride, gradients, hessians } = frame;
  const { offsets } = layout;
  for (let position = start; position < end; position++) {
    const g = gradients[position]!;
    const h = hessians[position]!;
    const base = position * stride;
    for (let f = 0; f < width; f++) {
      const slot = (offsets[f]! + bins[base + f]!) * 3;
      histogram[slot]! += g;
      histogram[slot + 1]! += h;
      histogram[slot + 2]!++;
    }
  }
  return histogram;
}

/** Grows a tree for output `output` and adds its leaf values to the frame's scores. */
export function growTree(layout: Histograms, frame: TrainingFrame, options: TreeOptions, output: number, helper?: HistogramHelper): Tree {
  const nodes: TreeNode[] = [{ feature: -1, threshold: 0, left: -1, right: -1, value: 0, cover: 0 }];
  const { l2 } = options;
  const leaf = (pending: Pending): void => {
    const value = Math.fround((-pending.gradient / (pending.hessian + l2)) * options.learningRate);
    nodes[pending.id] = { feature: -1, threshold: 0, left: -1, right: -1, value, cover: pending.hessian };
    const { scores, outputs } = frame;
    for (let position = pending.start; position < pending.end; position++) scores[position * outputs + output]! += value;
  };
  let gradientSum = 0;
  let hessianSum = 0;
  for (let position = 0; position < frame.rowCount; position++) {
    gradientSum += frame.gradients[position]!;
    hessianSum += frame.hessians[position]!;
  }
  let level: Pending[] = [
    { id: 0, start: 0, end: frame.rowCount, histogram: options.maxDepth > 0 ? buildHistogram(layout, frame, 0, frame.rowCount, helper) : EMPTY, depth: 0, gradient: gradientSum, hessian: hessianSum },
  ];
  while (level.length > 0) {
    const next: Pending[] = [];
    for (const pending of level) {
      const split = pending.depth < options.maxDepth ? bestSplit(layout, pending, options) : undefined;
      if (!split) {
        leaf(pending);
        continue;
      }
      const leftId = nodes.length;
      const rightId = leftId + 1;
      const threshold = layout.edges[split.feature]![split.bin]!;
      if (pending.depth + 1 === options.maxDepth) {
        // Both children are leaves: add their values in place, no partition needed.
        const leftValue = Math.fround((-split.leftGradient / (split.leftHessian + l2)) * options.learningRate);
        const rightValue = Math.fround((-(pending.gradient - split.leftGradient) / (pending.hessian - split.leftHessian + l2)) * options.learningRate);
        frame.addSplitLeaves(pending.start, pending.end, split.feature, split.bin, output, leftValue, rightValue);
        nodes.push(
          { feature: -1, threshold: 0, left: -1, right: -1, value: leftValue, cover: split.leftHessian },
          { feature: -1, threshold: 0, left: -1, right: -1, value: rightValue, cover: pending.hessian - split.leftHessian },
        );
        nodes[pending.id] = { feature: split.feature, threshold, left: leftId, right: rightId, value: 0, cover: pending.hessian };
        continue;
      }
      const middle = frame.partition(pending.start, pending.end, split.feature, split.bin);
      nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0, cover: 0 }, { feature: -1, threshold: 0, left: -1, right: -1, value: 0, cover: 0 });
      nodes[pending.id] = { feature: split.feature, threshold, left: leftId, right: rightId, value: 0, cover: pending.hessian };
      // Children at the maximum depth become leaves: they need no histogram.
      let leftHistogram: Float64Array = EMPTY;
      let rightHistogram: Float64Array = EMPTY;
      if (pending.depth + 1 < options.maxDepth) {
        const leftSmaller = middle - pending.start <= pending.end - middle;
        const small = leftSmaller ? buildHistogram(layout, frame, pending.start, middle, helper) : buildHistogram(layout, frame, middle, pending.end, helper);
        const large = pending.histogram;
        for (let index = 0; index < large.length; index++) large[index]! -= small[index]!;
        [leftHistogram, rightHistogram] = leftSmaller ? [small, large] : [large, small];
      }
      next.push(
        { id: leftId, start: pending.start, end: middle, histogram: leftHistogram, depth: pending.depth + 1, gradient: split.leftGradient, hessian: split.leftHessian },
        { id: rightId, start: middle, end: pending.end, histogram: rightHistogram, depth: pending.depth + 1, gradient: pending.gradient - split.leftGradient, hessian: pending.hessian - split.leftHessian },
      );
    }
    level = next;
  }
  return { nodes };
}

interface Split {
  readonly feature: number;
  readonly bin: number;
  readonly leftGradient: number;
  readonly leftHessian: number;
}

function bestSplit(layout: Histograms, pending: Pending, options: TreeOptions): Split | undefined {
  const { histogram } = pending;
  const { l2, minSamplesLeaf } = options;
  const count = pending.end - pending.start;
  if (count < 2 * minSamplesLeaf) return undefined;
  const parentScore = (pending.gradient * pending.gradient) / (pending.hessian + l2);
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
      const rightG = pending.gradient - g;
      const rightH = pending.hessian - h;
      const gain = (g * g) / (h + l2) + (rightG * rightG) / (rightH + l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: f, bin: b, leftGradient: g, leftHessian: h };
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

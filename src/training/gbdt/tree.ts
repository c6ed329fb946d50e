/**
 * Growing one regression tree on gradients and hessians from binned features, level by level to
 * a maximum depth, with histogram subtraction (a child's histogram is its parent's minus its
 * sibling's, so only the smaller child is counted).
 */

export interface TreeNode {
  /** For splits: the feature and its bin edge; x ≤ threshold goes left. */
  readonly feature: number;
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
  /** For leaves (feature −1): the output, learning rate included, as float32. */
  readonly value: number;
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

interface Pending {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly histogram: Float64Array;
  readonly depth: number;
  readonly gradient: number;
  readonly hessian: number;
}

export interface TreeContext {
  readonly bins: Uint8Array;
  readonly width: number;
  readonly edges: readonly Float64Array[];
  /** Bins per feature (edges + 1). */
  readonly binCounts: Int32Array;
  /** Offset of each feature's bins in a histogram. */
  readonly offsets: Int32Array;
  readonly histogramSize: number;
}

/** Histograms hold (gradient, hessian, count) per bin. */
function buildHistogram(context: TreeContext, rows: Uint32Array, start: number, end: number, gradients: Float64Array, hessians: Float64Array): Float64Array {
  const histogram = new Float64Array(context.histogramSize * 3);
  const { bins, width, offsets } = context;
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    const g = gradients[row]!;
    const h = hessians[row]!;
    const base = row * width;
    for (let f = 0; f < width; f++) {
      const slot = (offsets[f]! + bins[base + f]!) * 3;
      histogram[slot]! += g;
      histogram[slot + 1]! += h;
      histogram[slot + 2]!++;
    }
  }
  return histogram;
}

/**
 * Grows a tree over `rows` (reordered in place so each leaf's rows are contiguous) and adds each
 * leaf's value to `scores` at stride `stride` and offset `output`.
 */
export function growTree(
  context: TreeContext,
  rows: Uint32Array,
  gradients: Float64Array,
  hessians: Float64Array,
  options: TreeOptions,
  scores: Float64Array,
  stride: number,
  output: number,
): Tree {
  const nodes: TreeNode[] = [];
  const { l2 } = options;
  const leaf = (pending: Pending): void => {
    const value = Math.fround((-pending.gradient / (pending.hessian + l2)) * options.learningRate);
    nodes[pending.id] = { feature: -1, threshold: 0, left: -1, right: -1, value };
    for (let i = pending.start; i < pending.end; i++) scores[rows[i]! * stride + output]! += value;
  };
  let gradientSum = 0;
  let hessianSum = 0;
  for (let i = 0; i < rows.length; i++) {
    gradientSum += gradients[rows[i]!]!;
    hessianSum += hessians[rows[i]!]!;
  }
  let level: Pending[] = [
    { id: 0, start: 0, end: rows.length, histogram: buildHistogram(context, rows, 0, rows.length, gradients, hessians), depth: 0, gradient: gradientSum, hessian: hessianSum },
  ];
  nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0 });
  while (level.length > 0) {
    const next: Pending[] = [];
    for (const pending of level) {
      const split = pending.depth < options.maxDepth ? bestSplit(context, pending, options) : undefined;
      if (!split) {
        leaf(pending);
        continue;
      }
      // Partition: rows with bin ≤ split.bin first.
      let i = pending.start;
      let j = pending.end - 1;
      const { bins, width } = context;
      while (i <= j) {
        if (bins[rows[i]! * width + split.feature]! <= split.bin) i++;
        else {
          const swap = rows[i]!;
          rows[i] = rows[j]!;
          rows[j] = swap;
          j--;
        }
      }
      const middle = i;
      const leftId = nodes.length;
      const rightId = leftId + 1;
      nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0 }, { feature: -1, threshold: 0, left: -1, right: -1, value: 0 });
      nodes[pending.id] = { feature: split.feature, threshold: context.edges[split.feature]![split.bin]!, left: leftId, right: rightId, value: 0 };
      const leftSmaller = middle - pending.start <= pending.end - middle;
      const small = leftSmaller ? buildHistogram(context, rows, pending.start, middle, gradients, hessians) : buildHistogram(context, rows, middle, pending.end, gradients, hessians);
      const large = Float64Array.from(pending.histogram, (value, index) => value - small[index]!);
      const [leftHistogram, rightHistogram] = leftSmaller ? [small, large] : [large, small];
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

function bestSplit(context: TreeContext, pending: Pending, options: TreeOptions): Split | undefined {
  const { histogram } = pending;
  const { l2, minSamplesLeaf } = options;
  const count = pending.end - pending.start;
  if (count < 2 * minSamplesLeaf) return undefined;
  const parentScore = (pending.gradient * pending.gradient) / (pending.hessian + l2);
  let best: Split | undefined;
  let bestGain = 1e-12;
  for (let f = 0; f < context.width; f++) {
    const offset = context.offsets[f]!;
    let g = 0;
    let h = 0;
    let n = 0;
    for (let b = 0; b < context.binCounts[f]! - 1; b++) {
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

/**
 * Histogram-based gradient-boosted decision trees (as scikit-learn's HistGradientBoosting and
 * LightGBM): squared error for regression, log loss for binary classification, softmax (one tree
 * per class per round) for more classes. Deterministic: no sampling, ties broken by order.
 */
import { chooseEdges } from './binning.js';
import { holdOut, ValidationTracker } from './early-stopping.js';
import { TreeKernels } from './tree-kernels.js';
import { growTree, predictTree, type Histograms, type Tree } from './tree.js';

export interface GbdtOptions {
  readonly nEstimators: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  /** Grow each tree best split first up to this many leaves (unlimited when undefined: depth alone limits it). */
  readonly maxLeafNodes?: number | undefined;
  readonly seed: number;
  /** Hold out `validationFraction` of the rows and stop when their loss stops improving. */
  readonly earlyStopping?: boolean | undefined;
  readonly validationFraction?: number | undefined;
  readonly nIterNoChange?: number | undefined;
  readonly tol?: number | undefined;
}

export type GbdtObjective = 'regression' | 'binary' | 'multiclass';

export interface GbdtModel {
  readonly objective: GbdtObjective;
  /** Scores per row: 1, or the number of classes. */
  readonly outputs: number;
  /** Initial raw score per output (float32). */
  readonly baseScores: Float64Array;
  /** Tree t·outputs + k adds to output k. */
  readonly trees: readonly Tree[];
  /** With early stopping: the rounds kept (the best), those trained, and the validation loss per round. */
  readonly earlyStopping?: { readonly bestRounds: number; readonly roundsTrained: number; readonly validationLoss: readonly number[] } | undefined;
}

export function trainGbdt(allFeatures: Float64Array, width: number, allTargets: Float64Array, objective: GbdtObjective, classCount: number, options: GbdtOptions): GbdtModel {
  const heldOut = options.earlyStopping ? holdOut(allFeatures, width, allTargets, objective, options.validationFraction ?? 0.1, options.seed) : undefined;
  const features = heldOut?.fitFeatures ?? allFeatures;
  const targets = heldOut?.fitTargets ?? allTargets;
  const rows = targets.length;
  const outputs = objective === 'multiclass' ? classCount : 1;
  const edges = chooseEdges(features, width, options.maxBins, options.seed);
  const binCounts = Int32Array.from(edges, (featureEdges) => featureEdges.length + 1);
  const offsets = new Int32Array(width);
  for (let f = 1; f < width; f++) offsets[f] = offsets[f - 1]! + binCounts[f - 1]!;
  const layout: Histograms = { edges, binCounts, offsets, size: offsets[width - 1]! + binCounts[width - 1]! };

  const baseScores = initialScores(targets, objective, outputs);
  const kernels = new TreeKernels(rows, width, outputs, layout.size * 3, maxLeavesPerTree(rows, options));
  const { scores, gradients, hessians } = kernels.views;
  kernels.bin(features, edges);
  kernels.views.offsets.set(offsets);
  kernels.views.targets.set(targets);
  for (let row = 0; row < rows; row++) for (let k = 0; k < outputs; k++) scores[row * outputs + k] = baseScores[k]!;
  const probabilities = new Float64Array(objective === 'multiclass' ? rows * outputs : 0);
  const trees: Tree[] = [];
  const treeOptions = { maxDepth: options.maxDepth, minSamplesLeaf: options.minSamplesLeaf, l2: options.l2Regularization, learningRate: options.learningRate, maxLeafNodes: options.maxLeafNodes };

  const validation = heldOut ? new ValidationTracker(heldOut.validFeatures, heldOut.validTargets, width, objective, outputs, baseScores) : undefined;
  try {
    for (let round = 0; round < options.nEstimators; round++) {
      if (objective === 'multiclass') softmaxInto(scores, probabilities, rows, outputs);
      for (let k = 0; k < outputs; k++) {
        if (objective === 'multiclass') {
          for (let row = 0; row < rows; row++) {
            const p = probabilities[row * outputs + k]!;
            gradients[row] = p - (targets[row] === k ? 1 : 0);
            hessians[row] = Math.max(p * (1 - p), 1e-16);
          }
        } else kernels.gradients(objective);
        trees.push(growTree(layout, kernels, treeOptions, k));
      }
      if (validation?.addRound(trees.slice(-outputs), options.nIterNoChange ?? 10, options.tol ?? 1e-7)) break;
    }
  } finally {
    kernels.close();
  }
  if (!validation) return { objective, outputs, baseScores, trees };
  const roundsTrained = trees.length / outputs;
  return { objective, outputs, baseScores, trees: trees.slice(0, validation.bestRounds * outputs), earlyStopping: { bestRounds: validation.bestRounds, roundsTrained, validationLoss: validation.losses } };
}

/** An upper bound on one tree's leaves: each holds at least minSamplesLeaf rows (but for a lone root). */
function maxLeavesPerTree(rows: number, options: GbdtOptions): number {
  const byRows = Math.max(1, Math.floor(rows / Math.max(1, options.minSamplesLeaf)));
  const byDepth = 2 ** Math.min(options.maxDepth, 30);
  return Math.min(byRows, byDepth, options.maxLeafNodes ?? Infinity);
}

function initialScores(targets: Float64Array, objective: GbdtObjective, outputs: number): Float64Array {
  const rows = targets.length;
  if (objective === 'regression') return Float64Array.of(Math.fround(targets.reduce((sum, value) => sum + value, 0) / rows));
  if (objective === 'binary') {
    const rate = Math.min(Math.max(targets.reduce((sum, value) => sum + value, 0) / rows, 1e-12), 1 - 1e-12);
    return Float64Array.of(Math.fround(Math.log(rate / (1 - rate))));
  }
  const counts = new Float64Array(outputs);
  for (const value of targets) counts[value]!++;
  return Float64Array.from(counts, (count) => Math.fround(Math.log(Math.max(count / rows, 1e-12))));
}

function softmaxInto(scores: Float64Array, probabilities: Float64Array, rows: number, outputs: number): void {
  for (let row = 0; row < rows; row++) {
    let max = -Infinity;
    for (let k = 0; k < outputs; k++) max = Math.max(max, scores[row * outputs + k]!);
    let total = 0;
    for (let k = 0; k < outputs; k++) total += Math.exp(scores[row * outputs + k]! - max);
    for (let k = 0; k < outputs; k++) probabilities[row * outputs + k] = Math.exp(scores[row * outputs + k]! - max) / total;
  }
}

/** Raw scores (before sigmoid/softmax) for prepared rows, row-major N × outputs. */
export function gbdtScores(model: GbdtModel, features: Float64Array, width: number): Float64Array {
  const rows = features.length / width;
  const scores = new Float64Array(rows * model.outputs);
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < model.outputs; k++) {
      let score = model.baseScores[k]!;
      for (let t = k; t < model.trees.length; t += model.outputs) score += predictTree(model.trees[t]!, features, row * width);
      scores[row * model.outputs + k] = score;
    }
  }
  return scores;
}

/**
 * Early stopping for the GBDT trainer, as scikit-learn's HistGradientBoosting does it: a seeded
 * validation fraction (stratified by class for classifiers) is held out of training; after each
 * round its loss is measured, and training stops once `nIterNoChange` rounds in a row have not
 * improved the best loss by more than `tol`. The model keeps the trees up to its best round (as
 * XGBoost's and LightGBM's best_iteration do).
 */
import { predictTree, type Tree } from './tree.js';
/** The GBDT objectives (as in gbdt.ts, repeated here to keep the two modules acyclic). */
type GbdtObjective = 'regression' | 'binary' | 'multiclass';

export interface HeldOut {
  readonly fitFeatures: Float64Array;
  readonly fitTargets: Float64Array;
  readonly validFeatures: Float64Array;
  readonly validTargets: Float64Array;
}

/** A seeded generator of uniform numbers in [0, 1) (a 32-bit LCG, enough for shuffling). */
function lcg(seed: number): () => number {
  let state = (seed ^ 0x9e3779b9) >>> 0;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296;
}

export function holdOut(features: Float64Array, width: number, targets: Float64Array, objective: GbdtObjective, fraction: number, seed: number): HeldOut {
  const rows = targets.length;
  const random = lcg(seed);
  const groups = new Map<number, number[]>();
  for (let row = 0; row < rows; row++) {
    const key = objective === 'regression' ? 0 : targets[row]!;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const valid = new Uint8Array(rows);
  for (const group of groups.values()) {
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    const take = Math.max(1, Math.round(group.length * fraction));
    for (let i = 0; i < Math.min(take, group.length - 1); i++) valid[group[i]!] = 1;
  }
  const validRows = valid.reduce((sum, flag) => sum + flag, 0);
  const split = { fitFeatures: new Float64Array((rows - validRows) * width), fitTargets: new Float64Array(rows - validRows), validFeatures: new Float64Array(validRows * width), validTargets: new Float64Array(validRows) };
  let fit = 0;
  let held = 0;
  for (let row = 0; row < rows; row++) {
    if (valid[row]) {
      split.validFeatures.set(features.subarray(row * width, (row + 1) * width), held * width);
      split.validTargets[held++] = targets[row]!;
    } else {
      split.fitFeatures.set(features.subarray(row * width, (row + 1) * width), fit * width);
      split.fitTargets[fit++] = targets[row]!;
    }
  }
  return split;
}

/** The held-out rows' raw scores, updated tree by tree, and the loss after each round. */
export class ValidationTracker {
  private readonly scores: Float64Array;
  readonly losses: number[] = [];
  private best = Number.POSITIVE_INFINITY;
  private bestRound = 0;
  private sinceBest = 0;

  constructor(
    private readonly features: Float64Array,
    private readonly targets: Float64Array,
    private readonly width: number,
    private readonly objective: GbdtObjective,
    private readonly outputs: number,
    baseScores: Float64Array,
  ) {
    this.scores = new Float64Array(targets.length * outputs);
    for (let row = 0; row < targets.length; row++) for (let k = 0; k < outputs; k++) this.scores[row * outputs + k] = baseScores[k]!;
  }

  /** Adds a round's trees (one per output) and says whether training should stop. */
  addRound(trees: readonly Tree[], nIterNoChange: number, tol: number): boolean {
    const { scores, outputs, width } = this;
    for (let row = 0; row < this.targets.length; row++) trees.forEach((tree, k) => (scores[row * outputs + k]! += predictTree(tree, this.features, row * width)));
    const loss = this.loss();
    this.losses.push(loss);
    if (loss < this.best - tol) {
      this.best = loss;
      this.bestRound = this.losses.length;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
    return this.sinceBest >= nIterNoChange;
  }

  /** Rounds up to and including the best one (1-based count). */
  get bestRounds(): number {
    return this.bestRound;
  }

  private loss(): number {
    const { scores, targets, outputs } = this;
    let total = 0;
    for (let row = 0; row < targets.length; row++) {
      if (this.objective === 'regression') {
        const error = scores[row]! - targets[row]!;
        total += error * error;
      } else if (this.objective === 'binary') {
        const z = scores[row]!;
        // log(1 + e^z) − y·z, stable for large |z|.
        total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - targets[row]! * z;
      } else {
        let max = -Infinity;
        for (let k = 0; k < outputs; k++) max = Math.max(max, scores[row * outputs + k]!);
        let sum = 0;
        for (let k = 0; k < outputs; k++) sum += Math.exp(scores[row * outputs + k]! - max);
        total += max + Math.log(sum) - scores[row * outputs + targets[row]!]!;
      }
    }
    return total / Math.max(targets.length, 1);
  }
}

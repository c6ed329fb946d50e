/**
 * Threshold-free metrics of a score against binary truth, as scikit-learn defines them: the
 * ROC curve and its area (ties between scores counted as in `roc_curve`, one point per distinct
 * score), and average precision as the step-wise sum Σ (Rₙ − Rₙ₋₁)·Pₙ (not the trapezoidal PR-AUC).
 */

export interface CurvePoint {
  readonly threshold: number;
  readonly truePositives: number;
  readonly falsePositives: number;
}

/**
 * Cumulative true and false positives at each distinct score, from the highest score down.
 * `positive[i]` says whether row i is of the positive class.
 */
export function thresholdPoints(scores: ArrayLike<number>, positive: ArrayLike<boolean>): CurvePoint[] {
  const order = Array.from({ length: scores.length }, (_, index) => index).sort((a, b) => scores[b]! - scores[a]!);
  const points: CurvePoint[] = [];
  let truePositives = 0;
  let falsePositives = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k]!;
    if (positive[row]) truePositives++;
    else falsePositives++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[row]) points.push({ threshold: scores[row]!, truePositives, falsePositives });
  }
  return points;
}

/** Points of the ROC curve, starting at (0, 0). */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const points = thresholdPoints(scores, positive);
  const last = points.at(-1);
  const positives = last?.truePositives ?? 0;
  const negatives = last?.falsePositives ?? 0;
  const fpr = [0, ...points.map((point) => (negatives === 0 ? Number.NaN : point.falsePositives / negatives))];
  const tpr = [0, ...points.map((point) => (positives === 0 ? Number.NaN : point.truePositives / positives))];
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...points.map((point) => point.threshold)] };
}

/** Area under the ROC curve by the trapezoidal rule; NaN when only one class is present. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const { fpr, tpr } = rocCurve(scores, positive);
  if (fpr.some(Number.isNaN) || tpr.some(Number.isNaN)) return Number.NaN;
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

/** Precision and recall at each distinct threshold, from the highest score down. */
export function precisionRecallCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): { precision: number[]; recall: number[]; thresholds: number[] } {
  const points = thresholdPoints(scores, positive);
  const positives = points.at(-1)?.truePositives ?? 0;
  return {
    precision: points.map((point) => point.truePositives / (point.truePositives + point.falsePositives)),
    recall: points.map((point) => (positives === 0 ? Number.NaN : point.truePositives / positives)),
    thresholds: points.map((point) => point.threshold),
  };
}

/** Step-wise average precision, as `sklearn.metrics.average_precision_score`. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const { precision, recall } = precisionRecallCurve(scores, positive);
  let sum = 0;
  let previousRecall = 0;
  for (let i = 0; i < precision.length; i++) {
    sum += (recall[i]! - previousRecall) * precision[i]!;
    previousRecall = recall[i]!;
  }
  return sum;
}

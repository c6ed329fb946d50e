/**
 * Threshold-free metrics of a score against binary truth, as scikit-learn defines them: the
 * ROC curve and its area (ties between scores counted as in `roc_curve`, one point per distinct
 * score), and average precision as the step-wise sum Σ (Rₙ − Rₙ₋₁)·Pₙ (not the trapezoidal PR-AUC).
 */

/** Cumulative counts at each distinct threshold, highest first (arrays of equal length). */
export interface CurvePoints {
  readonly thresholds: Float64Array;
  readonly truePositives: Float64Array;
  readonly falsePositives: Float64Array;
}

/**
 * Cumulative true and false positives at each distinct score, from the highest score down.
 * `positive[i]` says whether row i is of the positive class. The two classes' scores are sorted
 * separately with the native numeric sort and merged: no comparator callback, so a million rows
 * take a few tens of milliseconds.
 */
export function thresholdPoints(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): CurvePoints {
  let positiveCount = 0;
  for (let i = 0; i < scores.length; i++) if (positive[i]) positiveCount++;
  const positives = new Float64Array(positiveCount);
  const negatives = new Float64Array(scores.length - positiveCount);
  for (let i = 0, p = 0, q = 0; i < scores.length; i++) {
    if (positive[i]) positives[p++] = scores[i]!;
    else negatives[q++] = scores[i]!;
  }
  positives.sort();
  negatives.sort();
  const thresholds = new Float64Array(scores.length);
  const truePositiveCounts = new Float64Array(scores.length);
  const falsePositiveCounts = new Float64Array(scores.length);
  let count = 0;
  let i = positives.length - 1;
  let j = negatives.length - 1;
  let truePositives = 0;
  let falsePositives = 0;
  while (i >= 0 || j >= 0) {
    const threshold = Math.max(i >= 0 ? positives[i]! : -Infinity, j >= 0 ? negatives[j]! : -Infinity);
    for (; i >= 0 && positives[i] === threshold; i--) truePositives++;
    for (; j >= 0 && negatives[j] === threshold; j--) falsePositives++;
    thresholds[count] = threshold;
    truePositiveCounts[count] = truePositives;
    falsePositiveCounts[count] = falsePositives;
    count++;
  }
  return { thresholds: thresholds.subarray(0, count), truePositives: truePositiveCounts.subarray(0, count), falsePositives: falsePositiveCounts.subarray(0, count) };
}

/** Points of the ROC curve, starting at (0, 0). */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  return rocFromPoints(thresholdPoints(scores, positive));
}

export function rocFromPoints(points: CurvePoints): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const last = points.thresholds.length - 1;
  const positives = last >= 0 ? points.truePositives[last]! : 0;
  const negatives = last >= 0 ? points.falsePositives[last]! : 0;
  const fpr = [0, ...Array.from(points.falsePositives, (value) => (negatives === 0 ? Number.NaN : value / negatives))];
  const tpr = [0, ...Array.from(points.truePositives, (value) => (positives === 0 ? Number.NaN : value / positives))];
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...points.thresholds] };
}

/** Area under the ROC curve by the trapezoidal rule; NaN when only one class is present. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  return rocAucFromPoints(thresholdPoints(scores, positive));
}

export function rocAucFromPoints(points: CurvePoints): number {
  const last = points.thresholds.length - 1;
  const positives = last >= 0 ? points.truePositives[last]! : 0;
  const negatives = last >= 0 ? points.falsePositives[last]! : 0;
  if (positives === 0 || negatives === 0) return Number.NaN;
  let area = 0;
  let previousFpr = 0;
  let previousTpr = 0;
  for (let k = 0; k <= last; k++) {
    const fpr = points.falsePositives[k]! / negatives;
    const tpr = points.truePositives[k]! / positives;
    area += ((fpr - previousFpr) * (tpr + previousTpr)) / 2;
    previousFpr = fpr;
    previousTpr = tpr;
  }
  return area;
}

/** Precision and recall at each distinct threshold, from the highest score down. */
export function precisionRecallCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): { precision: number[]; recall: number[]; thresholds: number[] } {
  return precisionRecallFromPoints(thresholdPoints(scores, positive));
}

export function precisionRecallFromPoints(points: CurvePoints): { precision: number[]; recall: number[]; thresholds: number[] } {
  const last = points.thresholds.length - 1;
  const positives = last >= 0 ? points.truePositives[last]! : 0;
  return {
    precision: Array.from(points.truePositives, (truePositives, k) => truePositives / (truePositives + points.falsePositives[k]!)),
    recall: Array.from(points.truePositives, (truePositives) => (positives === 0 ? Number.NaN : truePositives / positives)),
    thresholds: [...points.thresholds],
  };
}

/** Step-wise average precision, as `sklearn.metrics.average_precision_score`. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  return averagePrecisionFromPoints(thresholdPoints(scores, positive));
}

export function averagePrecisionFromPoints(points: CurvePoints): number {
  const last = points.thresholds.length - 1;
  const positives = last >= 0 ? points.truePositives[last]! : 0;
  let sum = 0;
  let previousRecall = 0;
  for (let k = 0; k <= last; k++) {
    const truePositives = points.truePositives[k]!;
    const recall = positives === 0 ? Number.NaN : truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / (truePositives + points.falsePositives[k]!));
    previousRecall = recall;
  }
  return sum;
}

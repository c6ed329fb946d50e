/**
 * Curves for reports: ROC, precision–recall and calibration (10 equal-width bins of the
 * positive-class probability, like sklearn's `calibration_curve`), thinned to at most 200 points.
 */
import { precisionRecallFromPoints, rocFromPoints, thresholdPoints } from './metrics/ranking.js';
import type { ClassificationTarget } from './task.js';

export interface Curves {
  readonly roc: { readonly fpr: number[]; readonly tpr: number[] };
  readonly precision_recall: { readonly recall: number[]; readonly precision: number[] };
  readonly calibration: { readonly mean_predicted: number[]; readonly fraction_positive: number[]; readonly count: number[] };
}

const MAX_POINTS = 200;

/** Keeps every k-th point plus the last, so the curve keeps its shape. */
function thin<T>(values: readonly T[]): T[] {
  if (values.length <= MAX_POINTS) return [...values];
  const step = Math.ceil(values.length / MAX_POINTS);
  return values.filter((_, index) => index % step === 0 || index === values.length - 1);
}

export function binaryCurves(target: ClassificationTarget): Curves {
  const width = target.classes.length;
  const scores = Float64Array.from({ length: target.truth.length }, (_, row) => target.probabilities[row * width + target.positive]!);
  const positive = Array.from(target.truth, (label) => label === target.positive);
  const points = thresholdPoints(scores, positive);
  const roc = rocFromPoints(points);
  const pr = precisionRecallFromPoints(points);
  const indexes = (length: number) => thin(Array.from({ length }, (_, i) => i));
  const rocPoints = indexes(roc.fpr.length);
  const prPoints = indexes(pr.recall.length);

  const bins = 10;
  const sums = Array.from({ length: bins }, () => ({ predicted: 0, positive: 0, count: 0 }));
  scores.forEach((score, row) => {
    const bin = sums[Math.min(bins - 1, Math.floor(score * bins))]!;
    bin.predicted += score;
    bin.positive += positive[row] ? 1 : 0;
    bin.count++;
  });
  const filled = sums.filter((bin) => bin.count > 0);
  return {
    roc: { fpr: rocPoints.map((i) => roc.fpr[i]!), tpr: rocPoints.map((i) => roc.tpr[i]!) },
    precision_recall: { recall: [0, ...prPoints.map((i) => pr.recall[i]!)], precision: [1, ...prPoints.map((i) => pr.precision[i]!)] },
    calibration: {
      mean_predicted: filled.map((bin) => bin.predicted / bin.count),
      fraction_positive: filled.map((bin) => bin.positive / bin.count),
      count: filled.map((bin) => bin.count),
    },
  };
}

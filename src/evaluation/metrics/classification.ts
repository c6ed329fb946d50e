/**
 * Classification metrics with scikit-learn's definitions and conventions, so numbers match it to
 * 1e-9 on the same probabilities:
 *  - labels are class indexes into the probability columns; the metrics consider the classes
 *    present in the truth or the predictions (sklearn's `unique_labels`);
 *  - a ratio with a zero denominator is 0 (`zero_division` default);
 *  - log loss clips probabilities to [ε, 1 − ε] with ε the float64 machine epsilon and renormalises
 *    rows (sklearn 1.2's `eps="auto"` on float64 input);
 *  - the confusion matrix has true classes as rows, predicted as columns.
 */
import { averagePrecisionFromPoints, rocAuc, rocAucFromPoints, thresholdPoints } from './ranking.js';

export interface ClassificationInput {
  /** True class index per row. */
  readonly truth: Int32Array;
  /** Row-major N × C probabilities. */
  readonly probabilities: Float64Array;
  readonly classCount: number;
}

export interface PerClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationMetrics {
  readonly metrics: Record<string, number>;
  /** By class index. */
  readonly perClass: PerClassMetrics[];
  readonly confusionMatrix: number[][];
}

const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/** Row-wise argmax (first maximum wins, as numpy). */
export function argmaxPredictions(input: ClassificationInput): Int32Array {
  const { probabilities, classCount } = input;
  const rows = input.truth.length;
  const predicted = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if (probabilities[row * classCount + c]! > probabilities[row * classCount + best]!) best = c;
    predicted[row] = best;
  }
  return predicted;
}

/** Binary decisions: the positive class when its probability reaches the threshold. */
export function thresholdPredictions(input: ClassificationInput, positive: number, negative: number, threshold: number): Int32Array {
  const rows = input.truth.length;
  const predicted = new Int32Array(rows);
  for (let row = 0; row < rows; row++) predicted[row] = input.probabilities[row * input.classCount + positive]! >= threshold ? positive : negative;
  return predicted;
}

export function confusionMatrix(truth: Int32Array, predicted: Int32Array, classCount: number): number[][] {
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let row = 0; row < truth.length; row++) matrix[truth[row]!]![predicted[row]!]!++;
  return matrix;
}

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);
const f1Of = (precision: number, recall: number): number => (precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));

function perClassMetrics(matrix: number[][]): PerClassMetrics[] {
  return matrix.map((row, c) => {
    const truePositives = row[c]!;
    const support = row.reduce((sum, value) => sum + value, 0);
    const predictedCount = matrix.reduce((sum, other) => sum + other[c]!, 0);
    const precision = ratio(truePositives, predictedCount);
    const recall = ratio(truePositives, support);
    return { precision, recall, f1: f1Of(precision, recall), support };
  });
}

/** The classes sklearn would consider: those in the truth or the predictions. */
function presentClasses(matrix: number[][]): number[] {
  return matrix.map((_, c) => c).filter((c) => matrix[c]!.some((value) => value > 0) || matrix.some((row) => row[c]! > 0));
}

function accuracyOf(matrix: number[][], rows: number): number {
  return ratio(matrix.reduce((sum, row, c) => sum + row[c]!, 0), rows);
}

/** Mean recall over the classes that occur in the truth. */
function balancedAccuracy(matrix: number[][]): number {
  const recalls = matrix.flatMap((row, c) => {
    const support = row.reduce((sum, value) => sum + value, 0);
    return support === 0 ? [] : [row[c]! / support];
  });
  return recalls.reduce((sum, value) => sum + value, 0) / recalls.length;
}

export function logLoss(input: ClassificationInput): number {
  const { probabilities, classCount, truth } = input;
  let total = 0;
  for (let row = 0; row < truth.length; row++) {
    let rowSum = 0;
    for (let c = 0; c < classCount; c++) rowSum += clip(probabilities[row * classCount + c]!);
    total -= Math.log(clip(probabilities[row * classCount + truth[row]!]!) / rowSum);
  }
  return total / truth.length;
}

function clip(p: number): number {
  return Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
}

/**
 * Expected calibration error over 10 equal-width bins of the predicted probability: for binary
 * models the positive-class probability against the positive rate (sklearn's `calibration_curve`
 * bins), for multiclass the top-class confidence against accuracy. Σ (nᵦ/N)·|mean(y) − mean(p)|.
 */
export function expectedCalibrationError(scores: ArrayLike<number>, outcomes: ArrayLike<number>, bins = 10): number {
  const count = new Float64Array(bins);
  const scoreSum = new Float64Array(bins);
  const outcomeSum = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const bin = Math.min(bins - 1, Math.floor(scores[i]! * bins));
    count[bin]!++;
    scoreSum[bin]! += scores[i]!;
    outcomeSum[bin]! += outcomes[i]!;
  }
  let error = 0;
  for (let bin = 0; bin < bins; bin++) if (count[bin]! > 0) error += (count[bin]! / scores.length) * Math.abs(outcomeSum[bin]! / count[bin]! - scoreSum[bin]! / count[bin]!);
  return error;
}

function columnOf(input: ClassificationInput, c: number): Float64Array {
  const column = new Float64Array(input.truth.length);
  for (let row = 0; row < column.length; row++) column[row] = input.probabilities[row * input.classCount + c]!;
  return column;
}

/** Binary metrics for `positive` against `negative`, deciding at `threshold` on the positive probability. */
export function binaryMetrics(input: ClassificationInput, positive: number, negative: number, threshold: number): ClassificationMetrics {
  // One pass for decisions, the confusion matrix, outcomes and the Brier score: on a million rows
  // each extra pass over the data is tens of milliseconds.
  const rows = input.truth.length;
  const matrix = Array.from({ length: input.classCount }, () => new Array<number>(input.classCount).fill(0));
  const scores = new Float64Array(rows);
  const outcomes = new Uint8Array(rows);
  let brier = 0;
  for (let row = 0; row < rows; row++) {
    const label = input.truth[row]!;
    const score = input.probabilities[row * input.classCount + positive]!;
    const outcome = label === positive ? 1 : 0;
    scores[row] = score;
    outcomes[row] = outcome;
    brier += (score - outcome) ** 2;
    matrix[label]![score >= threshold ? positive : negative]!++;
  }
  const perClass = perClassMetrics(matrix);
  const points = thresholdPoints(scores, outcomes);
  const { precision, recall, f1 } = perClass[positive]!;
  return {
    metrics: {
      accuracy: accuracyOf(matrix, input.truth.length),
      balanced_accuracy: balancedAccuracy(matrix),
      precision,
      recall,
      f1,
      roc_auc: rocAucFromPoints(points),
      average_precision: averagePrecisionFromPoints(points),
      log_loss: logLoss(input),
      brier: brier / rows,
      ece: expectedCalibrationError(scores, outcomes),
    },
    perClass,
    confusionMatrix: matrix,
  };
}

/** Multiclass metrics: argmax decisions, macro/micro/weighted averages, one-vs-rest ROC AUC. */
export function multiclassMetrics(input: ClassificationInput): ClassificationMetrics {
  const predicted = argmaxPredictions(input);
  const matrix = confusionMatrix(input.truth, predicted, input.classCount);
  const perClass = perClassMetrics(matrix);
  const present = presentClasses(matrix);
  const rows = input.truth.length;
  const supports = present.map((c) => perClass[c]!.support);
  const macro = (key: keyof PerClassMetrics) => present.reduce((sum, c) => sum + perClass[c]![key], 0) / present.length;
  const weighted = (key: keyof PerClassMetrics) => present.reduce((sum, c, i) => sum + perClass[c]![key] * supports[i]!, 0) / rows;
  // Micro averages pool every decision: with each row in exactly one class they all equal accuracy.
  const micro = accuracyOf(matrix, rows);

  const truthClasses = matrix.map((_, c) => c).filter((c) => perClass[c]!.support > 0);
  const aucs = truthClasses.map((c) => rocAuc(columnOf(input, c), Array.from(input.truth, (label) => label === c)));
  const confidence = new Float64Array(rows);
  const correct = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    confidence[row] = input.probabilities[row * input.classCount + predicted[row]!]!;
    correct[row] = predicted[row] === input.truth[row] ? 1 : 0;
  }
  return {
    metrics: {
      accuracy: micro,
      balanced_accuracy: balancedAccuracy(matrix),
      precision_macro: macro('precision'),
      recall_macro: macro('recall'),
      f1_macro: macro('f1'),
      precision_micro: micro,
      recall_micro: micro,
      f1_micro: micro,
      precision_weighted: weighted('precision'),
      recall_weighted: weighted('recall'),
      f1_weighted: weighted('f1'),
      roc_auc_ovr_macro: aucs.reduce((sum, auc) => sum + auc, 0) / aucs.length,
      roc_auc_ovr_weighted: truthClasses.reduce((sum, c, i) => sum + aucs[i]! * perClass[c]!.support, 0) / rows,
      log_loss: logLoss(input),
      ece: expectedCalibrationError(confidence, correct),
    },
    perClass,
    confusionMatrix: matrix,
  };
}

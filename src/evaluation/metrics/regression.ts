/**
 * Regression metrics with scikit-learn's definitions: MAPE divides by max(|y|, machine epsilon);
 * R² and explained variance of a constant truth are 1 for a perfect prediction and 0 otherwise
 * (`force_finite=True`).
 */

const FLOAT64_EPSILON = 2.220446049250313e-16;

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** 1 − numerator/denominator, with sklearn's handling of a zero denominator. */
function forcedFiniteScore(numerator: number, denominator: number): number {
  if (denominator === 0) return numerator === 0 ? 1 : 0;
  return 1 - numerator / denominator;
}

export function regressionMetrics(truth: Float64Array, predicted: Float64Array): Record<string, number> {
  const n = truth.length;
  const errors = new Float64Array(n);
  const absoluteErrors = new Float64Array(n);
  let squared = 0;
  let absolute = 0;
  let percentage = 0;
  let maxError = 0;
  for (let i = 0; i < n; i++) {
    const error = truth[i]! - predicted[i]!;
    errors[i] = error;
    absoluteErrors[i] = Math.abs(error);
    squared += error * error;
    absolute += Math.abs(error);
    percentage += Math.abs(error) / Math.max(Math.abs(truth[i]!), FLOAT64_EPSILON);
    maxError = Math.max(maxError, Math.abs(error));
  }
  const truthMean = mean(truth);
  let totalSquares = 0;
  for (let i = 0; i < n; i++) totalSquares += (truth[i]! - truthMean) ** 2;
  const errorMean = mean(errors);
  let errorVariance = 0;
  for (let i = 0; i < n; i++) errorVariance += (errors[i]! - errorMean) ** 2;
  const mse = squared / n;
  return {
    mae: absolute / n,
    mse,
    rmse: Math.sqrt(mse),
    r2: forcedFiniteScore(squared, totalSquares),
    mape: percentage / n,
    explained_variance: forcedFiniteScore(errorVariance / n, totalSquares / n),
    max_error: maxError,
    median_absolute_error: median(absoluteErrors),
  };
}

/**
 * Linear trainers on prepared features: logistic regression (binary, and softmax for more
 * classes) with an L2 penalty in scikit-learn's parametrisation (C, default 1), and linear /
 * ridge regression in closed form. The intercept is never penalised.
 */
import { minimize } from './lbfgs.js';

export interface LinearModel {
  /** Row-major F × K weights (K = 1 for binary and regression, C for multiclass). */
  readonly weights: Float64Array;
  readonly intercepts: Float64Array;
  readonly outputs: number;
}

/** Σ log-loss + ‖w‖² / (2C), minimised over w and the intercepts. */
export function trainLogistic(features: Float64Array, width: number, labels: Int32Array, classCount: number, options: { C: number; maxIterations: number }): LinearModel {
  const rows = labels.length;
  const outputs = classCount === 2 ? 1 : classCount;
  const size = width * outputs + outputs;
  const penalty = 1 / options.C;
  const scores = new Float64Array(outputs);
  const objective = (parameters: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let row = 0; row < rows; row++) {
      for (let k = 0; k < outputs; k++) {
        let score = parameters[width * outputs + k]!;
        for (let j = 0; j < width; j++) score += features[row * width + j]! * parameters[j * outputs + k]!;
        scores[k] = score;
      }
      const label = labels[row]!;
      if (outputs === 1) {
        const z = scores[0]!;
        const p = 1 / (1 + Math.exp(-z));
        // log(1 + e^z) − y·z, computed without overflow.
        loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (label === 1 ? z : 0);
        const residual = p - (label === 1 ? 1 : 0);
        for (let j = 0; j < width; j++) gradient[j]! += residual * features[row * width + j]!;
        gradient[width]! += residual;
      } else {
        const max = Math.max(...scores);
        let total = 0;
        for (let k = 0; k < outputs; k++) total += Math.exp(scores[k]! - max);
        loss += Math.log(total) + max - scores[label]!;
        for (let k = 0; k < outputs; k++) {
          const residual = Math.exp(scores[k]! - max) / total - (k === label ? 1 : 0);
          for (let j = 0; j < width; j++) gradient[j * outputs + k]! += residual * features[row * width + j]!;
          gradient[width * outputs + k]! += residual;
        }
      }
    }
    for (let i = 0; i < width * outputs; i++) {
      loss += (penalty / 2) * parameters[i]! ** 2;
      gradient[i]! += penalty * parameters[i]!;
    }
    return loss;
  };
  const { x } = minimize(objective, new Float64Array(size), { maxIterations: options.maxIterations, tolerance: 1e-6 });
  return { weights: x.slice(0, width * outputs), intercepts: x.slice(width * outputs), outputs };
}

/** Minimises ‖y − Xw − b‖² + α‖w‖² exactly (Cholesky on the centred normal equations). */
export function trainRidge(features: Float64Array, width: number, targets: Float64Array, alpha: number): LinearModel {
  const rows = targets.length;
  const means = new Float64Array(width);
  for (let row = 0; row < rows; row++) for (let j = 0; j < width; j++) means[j]! += features[row * width + j]! / rows;
  const targetMean = targets.reduce((sum, value) => sum + value, 0) / rows;
  const gram = new Float64Array(width * width);
  const moment = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    const y = targets[row]! - targetMean;
    for (let i = 0; i < width; i++) {
      const xi = features[row * width + i]! - means[i]!;
      moment[i]! += xi * y;
      for (let j = 0; j <= i; j++) gram[i * width + j]! += xi * (features[row * width + j]! - means[j]!);
    }
  }
  // A tiny ridge keeps plain least squares solvable when features are collinear.
  for (let i = 0; i < width; i++) gram[i * width + i]! += Math.max(alpha, 1e-10 * rows);
  const weights = solveCholesky(gram, moment, width);
  let intercept = targetMean;
  for (let j = 0; j < width; j++) intercept -= means[j]! * weights[j]!;
  return { weights, intercepts: Float64Array.of(intercept), outputs: 1 };
}

/** Solves A·x = b for symmetric positive definite A (lower triangle used). */
function solveCholesky(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * n + k]! * lower[j * n + k]!;
      lower[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / lower[j * n + j]!;
    }
  }
  const forward = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = vector[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i * n + k]! * forward[k]!;
    forward[i] = sum / lower[i * n + i]!;
  }
  const solution = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < n; k++) sum -= lower[k * n + i]! * solution[k]!;
    solution[i] = sum / lower[i * n + i]!;
  }
  return solution;
}

/** Raw scores X·W + b, row-major N × K (float64, as in memory). */
export function linearScores(model: LinearModel, features: Float64Array, width: number): Float64Array {
  const rows = features.length / width;
  const scores = new Float64Array(rows * model.outputs);
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < model.outputs; k++) {
      let score = model.intercepts[k]!;
      for (let j = 0; j < width; j++) score += features[row * width + j]! * model.weights[j * model.outputs + k]!;
      scores[row * model.outputs + k] = score;
    }
  }
  return scores;
}

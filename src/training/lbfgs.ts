/**
 * Limited-memory BFGS with a backtracking (Armijo) line search: a deterministic minimiser for the
 * smooth, convex objectives of the linear trainers (L2-regularised logistic and softmax losses).
 */

export interface Objective {
  /** Value at `x`; writes the gradient into `gradient`. */
  (x: Float64Array, gradient: Float64Array): number;
}

export interface LbfgsOptions {
  readonly maxIterations?: number;
  /** Stop when the gradient's infinity norm falls below this. */
  readonly tolerance?: number;
  readonly memory?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function minimize(objective: Objective, start: Float64Array, options: LbfgsOptions = {}): { x: Float64Array; value: number; iterations: number } {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-8;
  const memory = options.memory ?? 10;
  const n = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    if (Math.max(...gradient.map(Math.abs)) < tolerance) break;
    // Two-loop recursion: direction = −H·gradient.
    const direction = Float64Array.from(gradient, (g) => -g);
    const alphas: number[] = [];
    for (let k = steps.length - 1; k >= 0; k--) {
      const alpha = rhos[k]! * dot(steps[k]!, direction);
      alphas[k] = alpha;
      for (let i = 0; i < n; i++) direction[i]! -= alpha * changes[k]![i]!;
    }
    if (steps.length > 0) {
      const last = steps.length - 1;
      const gamma = dot(steps[last]!, changes[last]!) / dot(changes[last]!, changes[last]!);
      for (let i = 0; i < n; i++) direction[i]! *= gamma;
    }
    for (let k = 0; k < steps.length; k++) {
      const beta = rhos[k]! * dot(changes[k]!, direction);
      for (let i = 0; i < n; i++) direction[i]! += steps[k]![i]! * (alphas[k]! - beta);
    }
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
      steps.length = changes.length = rhos.length = 0;
      slope = dot(gradient, direction);
    }
    let step = 1;
    const next = new Float64Array(n);
    const nextGradient = new Float64Array(n);
    let nextValue = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 50; attempt++) {
      for (let i = 0; i < n; i++) next[i] = x[i]! + step * direction[i]!;
      nextValue = objective(next, nextGradient);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextValue < value) && Math.abs(nextValue - value) < 1e-15) break;
    const s = Float64Array.from(next, (v, i) => v - x[i]!);
    const y = Float64Array.from(nextGradient, (g, i) => g - gradient[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
    }
    x = next;
    gradient = nextGradient;
    value = nextValue;
  }
  return { x, value, iterations: iteration };
}

/**
 * The GBDT trainer's gradient loops (histograms and partitions are in kernels.wat: they need
 * Math.exp, which WebAssembly lacks). Both the training thread and its helper thread
 * (tree-kernels.ts) run them, the helper from their source text, so each function uses nothing
 * but its arguments: no imports, no names from outside, no closures.
 */

/** Log-loss gradients and hessians of rows `from … to − 1` from their raw scores (one output). */
export function binaryGradients(scores: Float64Array, targets: Float64Array, gradients: Float64Array, hessians: Float64Array, from: number, to: number): void {
  for (let row = from; row < to; row++) {
    const p = 1 / (1 + Math.exp(-scores[row]!));
    gradients[row] = p - targets[row]!;
    hessians[row] = Math.max(p * (1 - p), 1e-16);
  }
}

/** Squared-error gradients of rows `from … to − 1` (hessians are 1). */
export function regressionGradients(scores: Float64Array, targets: Float64Array, gradients: Float64Array, hessians: Float64Array, from: number, to: number): void {
  for (let row = from; row < to; row++) {
    gradients[row] = scores[row]! - targets[row]!;
    hessians[row] = 1;
  }
}

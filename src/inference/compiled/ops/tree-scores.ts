/**
 * onnxruntime's `write_scores` for the tree ensembles, in float32: a score vector of two or
 * more goes through the post transform; a single score becomes two (the binary cases). A score
 * no tree reached reads as 0 (onnxruntime's ScoreValue), whatever was added to it.
 */
export type PostTransform = 'NONE' | 'LOGISTIC' | 'SOFTMAX' | 'SOFTMAX_ZERO';

const { fround } = Math;
const FLOAT_MAX = 3.4028234663852886e38;
const SOFTMAX_ZERO_EPSILON = fround(1e-7);

/** onnxruntime's ComputeLogistic, in float32. */
export function logistic(x: number): number {
  const v = fround(1 / fround(1 + fround(Math.exp(-Math.abs(x)))));
  return x < 0 ? fround(1 - v) : v;
}

/** onnxruntime's ComputeSoftmax (or ComputeSoftmaxZero), in float32. */
export function softmax(values: number[], zero: boolean): number[] {
  let max = -FLOAT_MAX;
  for (const value of values) if (value > max) max = value;
  let sum = 0;
  const exps = values.map((value) => {
    if (zero && !(value > SOFTMAX_ZERO_EPSILON || value < -SOFTMAX_ZERO_EPSILON)) return fround(value * fround(Math.exp(-max)));
    const e = fround(Math.exp(fround(value - max)));
    sum = fround(sum + e);
    return e;
  });
  return exps.map((e) => fround(e / sum));
}

/**
 * Writes the first `size` scores of `raw` (1 or the full width) into `z[zo…]` after `post`;
 * `addSecondClass` is onnxruntime's code for expanding one score to two (-1: do not).
 */
export function writeScores(raw: { readonly score: Float64Array; readonly has: Uint8Array }, size: number, post: PostTransform, addSecondClass: number, z: Float32Array, zo: number): void {
  const values = Array.from({ length: size }, (_, k) => (raw.has[k] ? raw.score[k]! : 0));
  if (size >= 2) {
    const out = post === 'LOGISTIC' ? values.map(logistic) : post === 'SOFTMAX' || post === 'SOFTMAX_ZERO' ? softmax(values, post === 'SOFTMAX_ZERO') : values;
    for (let k = 0; k < size; k++) z[zo + k] = out[k]!;
    return;
  }
  const v = values[0]!;
  if (addSecondClass === 0 || addSecondClass === 1) {
    z[zo] = fround(1 - v);
    z[zo + 1] = v;
  } else if (addSecondClass === 2 || addSecondClass === 3) {
    z[zo] = post === 'LOGISTIC' ? logistic(-v) : -v;
    z[zo + 1] = post === 'LOGISTIC' ? logistic(v) : v;
  } else {
    z[zo] = v;
    z[zo + 1] = 0;
  }
}

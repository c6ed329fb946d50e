/**
 * onnxruntime's CPU kernels for Sigmoid and Softmax (MLAS, its math library) compute with
 * polynomial approximations and vector reductions, not with the C library's `exp`. Reproduced
 * here step by step in float32 — a fused multiply-add of float32 values is exact in double, so
 * `Math.fround(a * b + c)` is one — so that the compiled runtime returns onnxruntime's bits, not
 * merely values within the tolerance: measured bit-exact with onnxruntime-node 1.30 on x86-64
 * (AVX2/FMA3 kernels) for every input tried, and softmax widths 2 to 100. The constants are
 * MLAS's (logistic.cpp, compute.cpp). Should a future onnxruntime change them, the verification
 * on load still holds the results to the tolerance.
 */
const { fround } = Math;

const bits = new Float32Array(1);
const words = new Int32Array(bits.buffer);

function fromBits(word: number): number {
  words[0] = word;
  return bits[0]!;
}

function toBits(value: number): number {
  bits[0] = value;
  return words[0]!;
}

/** A float32 literal written in hexadecimal (`0x1.<mantissa>p<exponent>`), as MLAS writes them. */
function hexFloat(mantissa: string, exponent: number): number {
  return fround((1 + Number.parseInt(mantissa, 16) / 16 ** mantissa.length) * 2 ** exponent);
}

const LOGISTIC = {
  low: -18,
  high: 18,
  alpha: [4.37031012579801e-11, 1.15627324459942e-7, 6.08574864600143e-5, 8.51377133304701e-3, 2.48287947061529e-1].map(fround),
  beta: [6.10247389755681e-13, 5.76102136993427e-9, 6.2910678501704e-6, 1.70198817374094e-3, 1.16817656904453e-1, 9.9315192102318e-1].map(fround),
};

/** MLAS's logistic: a rational polynomial on [-18, 18], clamped to [0, 1]. */
export function mlasLogistic(x: number): number {
  // Two steps, as MLAS's scalar path does, so that NaN passes through.
  const clamped = x < LOGISTIC.low ? LOGISTIC.low : x;
  const v = clamped > LOGISTIC.high ? LOGISTIC.high : clamped;
  const v2 = fround(v * v);
  const [a9, a7, a5, a3, a1] = LOGISTIC.alpha as [number, number, number, number, number];
  const [b10, b8, b6, b4, b2, b0] = LOGISTIC.beta as [number, number, number, number, number, number];
  let p = fround(v2 * a9 + a7);
  p = fround(p * v2 + a5);
  p = fround(p * v2 + a3);
  p = fround(p * v2 + a1);
  p = fround(p * v);
  let q = fround(v2 * b10 + b8);
  q = fround(q * v2 + b6);
  q = fround(q * v2 + b4);
  q = fround(q * v2 + b2);
  q = fround(q * v2 + b0);
  const result = fround(fround(p / q) + 0.5);
  return result < 0 ? 0 : result > 1 ? 1 : result;
}

const EXP = {
  lower: fround(-88.3762626647949),
  roundingBias: fromBits(0x4b400000),
  log2Reciprocal: fround(1.44269504088896341),
  log2High: fround(-6.93145752e-1),
  log2Low: fround(-1.42860677e-6),
  poly: [hexFloat('694000', -10), hexFloat('125edc', -7), hexFloat('555b5a', -5), hexFloat('555450', -3), hexFloat('fffff6', -2), 1],
};

/** MLAS's exp(x + negativeMaximum) as its softmax computes it (x + negativeMaximum ≤ 0). */
export function mlasSumExpElement(x: number, negativeMaximum: number): number {
  let v = fround(x + negativeMaximum);
  if (v < EXP.lower) v = EXP.lower;
  const biased = fround(v * EXP.log2Reciprocal + EXP.roundingBias);
  const m = fround(biased - EXP.roundingBias);
  v = fround(m * EXP.log2High + v);
  v = fround(m * EXP.log2Low + v);
  const scale = fromBits(((toBits(biased) << 23) + 0x3f800000) | 0);
  let p = EXP.poly[0]!;
  for (let k = 1; k < EXP.poly.length; k++) p = fround(p * v + EXP.poly[k]!);
  p = fround(p * v + 1);
  return fround(p * scale);
}

const lanes = [new Float64Array(8), new Float64Array(8)];

/**
 * Softmax (or LogSoftmax) of `size` values `x[xo + k·stride]` into `y[yo + k·stride]`, as MLAS
 * does it: exponentials stored, summed in two alternating 8-lane accumulators (AVX's vectors),
 * reduced pairwise, then multiplied by the reciprocal of the sum.
 */
export function mlasSoftmax(x: ArrayLike<number>, xo: number, y: Float32Array, yo: number, size: number, stride: number, log: boolean): void {
  let maximum = -3.4028234663852886e38;
  for (let k = 0, at = xo; k < size; k++, at += stride) if (x[at]! > maximum) maximum = x[at]!;
  const negativeMaximum = -maximum;
  lanes[0]!.fill(0);
  lanes[1]!.fill(0);
  for (let k = 0, at = xo, to = yo; k < size; k++, at += stride, to += stride) {
    const e = mlasSumExpElement(x[at]!, negativeMaximum);
    if (!log) y[to] = e;
    const accumulator = lanes[(k >> 3) & 1]!;
    accumulator[k & 7] = fround(accumulator[k & 7]! + e);
  }
  const [a, b] = lanes as [Float64Array, Float64Array];
  const lane = (k: number) => fround(a[k]! + b[k]!);
  const sum = fround(fround(fround(lane(0) + lane(1)) + fround(lane(2) + lane(3))) + fround(fround(lane(4) + lane(5)) + fround(lane(6) + lane(7))));
  if (log) {
    const logarithm = fround(Math.log(sum));
    for (let k = 0, at = xo, to = yo; k < size; k++, at += stride, to += stride) y[to] = fround(fround(x[at]! + negativeMaximum) - logarithm);
    return;
  }
  const reciprocal = fround(1 / sum);
  for (let k = 0, to = yo; k < size; k++, to += stride) y[to] = fround(y[to]! * reciprocal);
}

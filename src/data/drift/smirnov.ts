/**
 * The one-sided Kolmogorov–Smirnov (Smirnov) survival function Pr(D+_n ≥ x), as SciPy's
 * `scipy.special.smirnov` computes it (cephes `kolmogorov.c`, van Mulbregt 2018, arXiv:1802.06966):
 * the Smirnov / Birnbaum–Tingey sum
 *
 *   Pr(D+_n ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
 *
 * The powers have exponents up to n (a million), so a rounding error of one unit in a base would
 * grow n-fold: bases are kept as double-double (hi + lo) pairs, and the powers and binomials, which
 * leave the double exponent range, as a mantissa and a separate power of two, as SciPy does.
 */

const EPSILON = Number.EPSILON;
/** cephes MINLOG: log(2^-1022); exp of anything smaller underflows. */
const MIN_LOG = -708.3964185322641;
/** Above this n the sum takes too long and SciPy uses an approximation. */
const MAX_COMPUTE_N = 1_000_000;
/** Chunks of a power are kept above 2^-960, so both halves of a double-double stay normal. */
const MAX_EXPONENT = 960;
/** Veltkamp's splitter 2^27 + 1, for exact products without FMA. */
const SPLITTER = 134_217_729;

/**
 * Pr(D+_n ≥ x) for integer n ≥ 1 and 0 ≤ x ≤ 1. Only the lower sum is implemented: SciPy's
 * alternative upper sum applies when n·x² ≤ 1/4, a range `kolmogorovSf` never asks for.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  // ⌊n·x⌋ and its remainder exactly: a product that rounds up to an integer must not shift the sum's bounds.
  const nx = n * x;
  const nxError = productError(n, x, nx);
  let floorHi = Math.floor(nx);
  let floorLo = 0;
  if (floorHi === nx) [floorHi, floorLo] = quickTwoSum(floorHi, Math.floor(nxError));
  let alpha = nx - floorHi + (nxError - floorLo);
  let nxFloor = Math.trunc(floorHi);
  if (alpha === 1) {
    nxFloor += 1;
    alpha = 0;
  }

  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    // x ≤ 1/n: only the first term of the upper sum, 1 − x(1 + x)^(n−1).
    const [baseHi, baseLo] = twoSum(1, x);
    return clip(1 - x * powDoubleDouble(baseHi, baseLo, n - 1));
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) {
    const [baseHi, baseLo] = twoSum(1, -x);
    return powDoubleDouble(baseHi, baseLo, n);
  }
  if (n > MAX_COMPUTE_N) {
    // SciPy's approximation p ≈ exp(−(6nx + 1)² / 18n), kept accurate at both ends.
    const logP = -((6 * n * x + 1) ** 2) / 18 / n;
    return clip(logP < -Math.LN2 ? Math.exp(logP) : 1 - -Math.expm1(logP));
  }

  // The last term has v = ⌊n(1 − x)⌋, or one less when n·x is an integer (that term is 0).
  const termCount = n - nxFloor;
  const middle = Math.floor(n / 2);
  // v = 0: C(n, 0) (1 − x)^n / x.
  const [oneMinusXHi, oneMinusXLo] = twoSum(1, -x);
  let sumHi = powDoubleDouble(oneMinusXHi, oneMinusXLo, n) / x;
  let sumLo = 0;
  // C(n, v) as a double-double mantissa in [0.5, 1) times 2^binomialExponent; it overflows doubles.
  let binomialHi = 1;
  let binomialLo = 0;
  let binomialExponent = 0;
  const updateBinomial = (v: number): void => {
    const [ratioHi, ratioLo] = divideIntegers(n - v, v + 1);
    const [productHi, productLo] = multiplyDoubleDouble(binomialHi, binomialLo, ratioHi, ratioLo);
    [binomialHi, binomialLo, binomialExponent] = frexpDoubleDouble(productHi, productLo, binomialExponent);
  };
  updateBinomial(0);
  for (let v = 1; v < termCount; v++) {
    const [lowerHi, lowerLo] = divideIntegers(n - v, n);
    const [tailHi, tailLo] = subtractDouble(lowerHi, lowerLo, x);
    const [tail, tailExponent] = powScaled(tailHi, tailLo, n - v);
    const [upperHi, upperLo] = divideIntegers(v, n);
    const [headHi, headLo] = subtractDouble(upperHi, upperLo, -x);
    const [head, headExponent] = powScaled(headHi, headLo, v - 1);
    const term = ldexp(head * tail * binomialHi, binomialExponent + headExponent + tailExponent);
    if (Number.isFinite(term) && term !== 0) {
      const [s, e] = twoSum(sumHi, term);
      sumHi = s;
      sumLo += e;
    }
    // The terms are positive: stop once the rest cannot change the sum (SciPy's rule, kept so the sums match).
    if (term !== 0) {
      if (4 * (termCount - v) * Math.abs(term) < EPSILON * sumHi && v !== termCount - 1) break;
    } else if (v > middle) {
      break;
    }
    updateBinomial(v);
  }
  return clip(x * (sumHi + sumLo));
}

/** (hi + lo)^m for m ≥ 0: pow of the high part, corrected for the low part by (1 + lo/hi)^m. */
function powDoubleDouble(hi: number, lo: number, m: number): number {
  if (m === 0) return 1;
  if (hi === 0) return 0;
  const power = hi ** m;
  const ratio = lo / hi;
  let adjustment = m * ratio;
  if (Math.abs(adjustment) > 1e-8) {
    adjustment = Math.abs(adjustment) < 1e-4 ? adjustment + m * ratio * (((m - 1) / 2) * ratio) : Math.expm1(m * Math.log1p(ratio));
  }
  return power + power * adjustment;
}

/**
 * (hi + lo)^m for hi > 0, m ≥ 0, as [mantissa in [0.5, 1), exponent]. Powers that would pass
 * 2^-960 are split, y^m = (y^c)^q · y^r, so each pow stays in range (SciPy's pow2Scaled_D).
 */
function powScaled(hi: number, lo: number, m: number): [number, number] {
  if (m === 0) return [1, 0];
  if (hi === 0) return [0, 0];
  const [y, yLo, yExponent] = frexpDoubleDouble(hi, lo, 0);
  if (m === 1) return [y, yExponent];
  let chunk = MAX_EXPONENT;
  if ((m * (y - 1)) / y < -MAX_EXPONENT * Math.LN2) {
    const log2y = Math.log(y) / Math.LN2;
    if (m * log2y <= -MAX_EXPONENT) chunk = Math.trunc(justAbove(-MAX_EXPONENT / log2y + 1) / 2);
  }
  if (m <= chunk) {
    const [mantissa, , exponent] = frexpDoubleDouble(powDoubleDouble(y, yLo, m), 0, 0);
    return [mantissa, exponent + m * yExponent];
  }
  const quotient = Math.floor(m / chunk);
  const [rest, restExponent] = powScaled(y, yLo, m % chunk);
  const [block, blockExponent] = powScaled(y, yLo, chunk);
  const [blocks, blocksExponent] = powScaled(block, 0, quotient);
  const [mantissa, , exponent] = frexpDoubleDouble(rest * blocks, 0, 0);
  return [mantissa, exponent + blocksExponent + blockExponent * quotient + restExponent + m * yExponent];
}

/** x plus one unit in its last place, as cephes' (misnamed) nextPowerOf2 computes it. */
function justAbove(x: number): number {
  const sum = Math.abs(ldexp(x, -52) + x);
  return sum === 0 ? Math.abs(x) : sum;
}

/** [mantissa hi, mantissa lo, exponent + offset] with |hi| in [0.5, 1) (C's frexp, for a double-double). */
function frexpDoubleDouble(hi: number, lo: number, offset: number): [number, number, number] {
  if (hi === 0 || !Number.isFinite(hi)) return [hi, lo, offset];
  let exponent = binaryExponent(hi);
  let mantissa = ldexp(hi, -exponent);
  let mantissaLo = ldexp(lo, -exponent);
  if (Math.abs(mantissa) === 0.5 && mantissa * mantissaLo < 0) {
    mantissa *= 2;
    mantissaLo *= 2;
    exponent -= 1;
  }
  return [mantissa, mantissaLo, exponent + offset];
}

const word = new DataView(new ArrayBuffer(8));

/** e with |x| = m·2^e, m in [0.5, 1), for finite x ≠ 0: read from the IEEE exponent field. */
function binaryExponent(x: number): number {
  word.setFloat64(0, x);
  const biased = (word.getUint32(0) >>> 20) & 0x7ff;
  // Subnormal: scale into the normal range first.
  return biased === 0 ? binaryExponent(x * 2 ** 64) - 64 : biased - 1022;
}

/** 2^e for e in [−1074, 1023], indexed by e + 1074: ldexp is on the hot path of the sum. */
const POWERS_OF_TWO = Float64Array.from({ length: 2098 }, (_, i) => 2 ** (i - 1074));

/** x · 2^exponent (C's ldexp), in steps that neither overflow nor underflow the factor. */
export function ldexp(x: number, exponent: number): number {
  let result = x;
  let rest = exponent;
  while (rest > 1023) {
    result *= 2 ** 1023;
    rest -= 1023;
  }
  while (rest < -1022) {
    result *= 2 ** -1022;
    rest += 1022;
  }
  return result * POWERS_OF_TWO[rest + 1074]!;
}

/** Knuth's two-sum: a + b exactly as [rounded sum, error]. */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** Dekker's fast two-sum, for |a| ≥ |b|. */
function quickTwoSum(a: number, b: number): [number, number] {
  const s = a + b;
  return [s, b - (s - a)];
}

/** The rounding error of the product a·b = p (Dekker's algorithm with Veltkamp splitting). */
function productError(a: number, b: number, p: number): number {
  const ta = SPLITTER * a;
  const aHi = ta - (ta - a);
  const aLo = a - aHi;
  const tb = SPLITTER * b;
  const bHi = tb - (tb - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** a / b for integers as a double-double: the remainder a − q·b is found exactly. */
function divideIntegers(a: number, b: number): [number, number] {
  const q = a / b;
  const error = productError(q, b, q * b);
  return [q, (a - q * b - error) / b];
}

/** (hi + lo) − x as a double-double. */
function subtractDouble(hi: number, lo: number, x: number): [number, number] {
  const [s, e] = twoSum(hi, -x);
  return quickTwoSum(s, e + lo);
}

function multiplyDoubleDouble(aHi: number, aLo: number, bHi: number, bLo: number): [number, number] {
  const p = aHi * bHi;
  return quickTwoSum(p, productError(aHi, bHi, p) + (aHi * bLo + aLo * bHi));
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

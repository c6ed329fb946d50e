/**
 * The one-sided Kolmogorov–Smirnov (Smirnov) survival function Pr(D+_n ≥ x), equal to SciPy's
 * `scipy.special.smirnov` (cephes `kolmogorov.c`, van Mulbregt 2018, arXiv:1802.06966) to about
 * 1e-13: the same case analysis and the same Smirnov / Birnbaum–Tingey sum
 *
 *   Pr(D+_n ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v),
 *
 * with each term computed in log space by Loader's saddle-point form instead of SciPy's
 * double-double powers, which is what makes a p-value at n = 500,000 take milliseconds.
 */

const EPSILON = Number.EPSILON;
/** cephes MINLOG: log(2^-1022); exp of anything smaller underflows. */
const MIN_LOG = -708.3964185322641;
/** Above this n the sum takes too long and SciPy uses an approximation. */
const MAX_COMPUTE_N = 1_000_000;
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

  return clip(x * birnbaumTingeySum(n, x, n - nxFloor));
}

/**
 * Σ_{v=0}^{termCount−1} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v), the sum SciPy evaluates with
 * double-double powers (about 1 µs a term, so half a second at n = 500,000). Each term here is a
 * binomial probability divided by its p = x + v/n, which Loader's (2000) saddle-point form gives
 * to about 1e-14 relative from two Stirling remainders, two deviance terms and one exp:
 *
 *   C(n, v) p^v q^(n−v) = exp(δ(n) − δ(v) − δ(n−v) − D(v; np) − D(n−v; nq)) · √(n / 2πv(n−v))
 *
 * with δ the Stirling remainder and D(k; m) = k log(k/m) + m − k. Here np − v = nx exactly, so
 * both deviances are taken from nx rather than from a rounded difference. Terms are scaled by
 * e^(2nx²) (their size is about e^(−2nx²)) so none underflows before the sum is formed.
 * Hand-written: no JavaScript library computes the finite-n Smirnov distribution.
 */
function birnbaumTingeySum(n: number, x: number, termCount: number): number {
  const nx = n * x;
  const scaleLog = 2 * nx * x;
  const stirlingN = stirlingRemainder(n);
  // v = 0: (1 − x)^n / x, in the same scale.
  let sumHi = Math.exp(n * Math.log1p(-x) + scaleLog) / x;
  let sumLo = 0;
  const middle = Math.floor(n / 2);
  for (let v = 1; v < termCount; v++) {
    const rest = n - v;
    const p = x + v / n;
    // D(v; v + nx) and D(n − v; n − v − nx), written so that nothing cancels but the leading order.
    const upper = nx - v * Math.log1p(nx / v);
    const lower = -rest * Math.log1p(-nx / rest) - nx;
    const logTerm = stirlingN - stirlingRemainder(v) - stirlingRemainder(rest) - upper - lower - 0.5 * Math.log((2 * Math.PI * v * rest) / n);
    const term = Math.exp(logTerm + scaleLog) / p;
    if (term !== 0) {
      const s = sumHi + term;
      const bb = s - sumHi;
      sumLo += sumHi - (s - bb) + (term - bb);
      sumHi = s;
      // The terms are positive: stop once the rest cannot change the sum (SciPy's rule).
      if (4 * (termCount - v) * term < EPSILON * sumHi && v !== termCount - 1) break;
    } else if (v > middle) {
      break;
    }
  }
  return Math.exp(Math.log(sumHi + sumLo) - scaleLog);
}

/** Exact log(k!) − (k + ½) log k + k − ½ log 2π for k ≤ 15, where the series below is not yet accurate enough. */
const SMALL_STIRLING_REMAINDERS = Float64Array.from({ length: 16 }, (_, k) => {
  if (k === 0) return 0;
  let logFactorial = 0;
  for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
  return logFactorial - (k + 0.5) * Math.log(k) + k - 0.5 * Math.log(2 * Math.PI);
});

/** δ(k) = log(k!) − log(√(2πk) (k/e)^k), by Stirling's series (Loader's stirlerr). */
function stirlingRemainder(k: number): number {
  if (k <= 15) return SMALL_STIRLING_REMAINDERS[k]!;
  const squared = k * k;
  if (k > 500) return (1 / 12 - 1 / 360 / squared) / k;
  if (k > 80) return (1 / 12 - (1 / 360 - 1 / 1260 / squared) / squared) / k;
  if (k > 35) return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / 1680 / squared) / squared) / squared) / k;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / squared) / squared) / squared) / squared) / k;
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

/** 2^e for e in [−1074, 1023], indexed by e + 1074. */
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

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n for finite n
 * (SciPy's `kstwo`). Its survival function follows SciPy 1.10's `scipy.stats._ksstats._kolmogn`,
 * which picks a method per (n, x) as Simard & L'Ecuyer (2011, J. Stat. Softw. 39(11)) recommend:
 * Ruben–Gambino closed forms at the ends, Durbin's matrix (with Marsaglia, Tsang & Wang's
 * scaling), Pomeranz's recursion, the Pelz–Good expansion, or twice the one-sided Smirnov tail.
 * Following the same choices, rather than one method everywhere, is what makes p-values agree
 * with SciPy's to about 1e-13 (each method has its own rounding and truncation error).
 */
import { ldexp, smirnovSf } from './smirnov.js';

/** Intermediate results are rescaled by 2^±128 and the exponent is carried separately. */
const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
/** B_2j / (2j(2j − 1)) for j = 8..1: the Stirling series of log n!. */
const STIRLING_COEFFICIENTS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** Pr(D_n > x) for a sample of n ≥ 1 (an integer) and 0 ≤ x ≤ 1, like `scipy.stats.kstwo.sf(x, n)`. */
export function kolmogorovSf(n: number, x: number): number {
  if (!(Number.isInteger(n) && n >= 1) || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: for 1/(2n) < x ≤ 1/n the CDF is n!/n^n · (2t − 1)^n.
    if (t <= 0.5) return 1;
    const cdf = n <= 140 ? rubenGambinoCdf(n, t) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  // Ruben–Gambino at the upper end.
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  // For x ≥ 1/2, D+ and D− cannot both exceed x, so the two tails add exactly.
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip(1 - pomeranzCdf(n, x));
    // Miller's approximation: the two one-sided tails barely overlap out here.
    return clip(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** n!/n^n · (2t − 1)^n as a product of n factors i/n · (2t − 1), which stays in range for n ≤ 140. */
function rubenGambinoCdf(n: number, t: number): number {
  const factor = 2 * t - 1;
  let product = 1;
  for (let i = 1; i <= n; i++) product *= i * (1 / n) * factor;
  return product;
}

/** log(n!/n^n) by Stirling's series, with n·log(n) taken out first to avoid cancellation. */
function logFactorialOverPower(n: number): number {
  const reciprocal = 1 / n;
  let series = 0;
  for (const coefficient of STIRLING_COEFFICIENTS) series = series * (reciprocal / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + reciprocal * series;
}

/**
 * Pr(D_n ≤ d) by Durbin's (1968) matrix method as Marsaglia, Tsang & Wang (2003) evaluate it:
 * with d = (k − h)/n, the answer is n!/n^n times entry (k, k) of H^n for a (2k−1)² matrix H,
 * raised to the n-th power by repeated squaring with rescaling.
 */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // First column v[j] = (1 − h^(j+1))/(j+1)!, subdiagonal bands w[j] = 1/j!, last row v reversed.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1]! *= factorial;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * factorial;
  let matrix: Float64Array = new Float64Array(m * m);
  for (let column = 1; column < m; column++) {
    for (let row = column - 1; row < m; row++) matrix[row * m + column] = w[row - column + 1]!;
  }
  for (let row = 0; row < m; row++) matrix[row * m] = v[row]!;
  for (let column = 0; column < m; column++) matrix[(m - 1) * m + column] = v[m - 1 - column]!;

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let exponent = 0;
  let matrixExponent = 0;
  const diagonal = (k - 1) * m + (k - 1);
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[diagonal]!) > SCALE_UP) {
      for (let i = 0; i < matrix.length; i++) matrix[i]! /= SCALE_UP;
      matrixExponent += SCALE_EXPONENT;
    }
  }

  let p = power[diagonal]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return clip(exponent === 0 ? p : ldexp(p, exponent));
}

/** a · b for m × m row-major matrices. */
function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const result = new Float64Array(m * m);
  for (let row = 0; row < m; row++) {
    for (let inner = 0; inner < m; inner++) {
      const factor = a[row * m + inner]!;
      if (factor === 0) continue;
      for (let column = 0; column < m; column++) result[row * m + column]! += factor * b[inner * m + column]!;
    }
  }
  return result;
}

/**
 * Pr(D_n ≤ x) by Pomeranz's (1974) recursion: 2n + 1 rows, each the convolution of the previous
 * one with one of three nearly-Poisson weight vectors; only a short band of each row is non-zero,
 * and the answer is n! times the last entry.
 */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const whole = Math.floor(t);
  const fraction = t - whole;
  const g = Math.min(fraction, 1 - fraction);
  const ceilFraction = fraction > 0 ? 1 : 0;
  const roundFraction = fraction > 0.5 ? 1 : 0;
  const size = 2 * (whole + 1);
  // (g/n)^j/j!, (2g/n)^j/j!, ((1 − 2g)/n)^j/j!: Poisson probabilities without their normalising factor.
  const gPowers = new Float64Array(size);
  const twoGPowers = new Float64Array(size);
  const oneMinusTwoGPowers = new Float64Array(size);
  gPowers[0] = twoGPowers[0] = oneMinusTwoGPowers[0] = 1;
  for (let j = 1; j < size; j++) {
    gPowers[j] = (gPowers[j - 1]! * (g / n)) / j;
    twoGPowers[j] = (twoGPowers[j - 1]! * ((2 * g) / n)) / j;
    oneMinusTwoGPowers[j] = (oneMinusTwoGPowers[j - 1]! * ((1 - 2 * g) / n)) / j;
  }

  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBand(0, n, whole, ceilFraction, roundFraction);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = pomeranzBand(i, n, whole, ceilFraction, roundFraction);
    const weights = i === 1 || i === 2 * n + 1 ? gPowers : i % 2 === 1 ? twoGPowers : oneMinusTwoGPowers;
    const span = j2 - k1 + 1;
    if (span <= 0) continue;
    // Entries j1..j2 of the convolution of previous[k1..k1+span) with weights[0..span).
    const offset = k1 - previousStart;
    const signalLength = Math.min(size, offset + span) - offset;
    const weightLength = Math.min(span, size);
    let largest = 0;
    for (let out = 0; out < j2 - j1 + 1; out++) {
      const lag = j1 - k1 + out;
      let sum = 0;
      for (let a = Math.max(0, lag - weightLength + 1); a <= Math.min(lag, signalLength - 1); a++) sum += previous[offset + a]! * weights[lag - a]!;
      current[out] = sum;
      if (sum > largest) largest = sum;
    }
    if (largest > 0 && largest < SCALE_DOWN) {
      for (let j = 0; j < size; j++) current[j]! *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
    currentStart = previousStart + j1 - k1;
  }

  let answer = current[n - currentStart]!;
  for (let i = 1; i <= n; i++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= i;
  }
  return clip(exponent === 0 ? answer : ldexp(answer, exponent));
}

/** The band [j1, j2] of row i that can be non-zero in Pomeranz's recursion. */
function pomeranzBand(i: number, n: number, whole: number, ceilFraction: number, roundFraction: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -whole - ceilFraction - 1;
    j2 = whole + ceilFraction - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - whole - ceilFraction - 1;
        j2 = n + whole + ceilFraction - 1;
      } else {
        j1 = half - 1 - whole - roundFraction - 1;
        j2 = half + whole - 1 + ceilFraction - 1;
      }
    } else {
      j1 = half - 1 - whole - 1;
      j2 = half + whole + roundFraction - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * Pr(D_n ≤ x) by the Pelz–Good (1976) expansion: Li-Chien's and Korolyuk's series
 * K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 in z = x√n, rewritten with Jacobi's theta-function
 * identity so that it converges fast for small z.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qLog = -PI_SQUARED / 8 / z2;
  if (qLog < -708) return 0;
  let q = Math.exp(qLog);

  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Σ c_i q^(i²) over odd i, by Horner's scheme in q^8.
  let [k0, k1, k2, k3] = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m2 = (2 * k - 1) ** 2;
    const qPower = q ** (8 * k);
    k0 = k0 * qPower + 1;
    k1 = k1 * qPower + (k1a + k1b * m2);
    k2 = k2 * qPower + (k2a + k2b * m2 + k2c * m2 * m2);
    k3 = k3 * qPower + (k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2);
  }
  const scale = q * SQRT_2PI;
  k0 = (k0 * scale) / z;
  k1 = (k1 * scale) / (6 * z4);
  k2 = (k2 * scale) / (72 * z ** 7);
  k3 = (k3 * scale) / (6480 * z ** 10);

  // The terms of K2 and K3 over all integers k, which need no theta transform.
  q = Math.exp(-PI_SQUARED / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2Extra = 0;
  let k3Extra = 0;
  for (let k = maxK; k > 0; k--) {
    const weight = k * k * q ** (k * k);
    k2Extra += weight;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * weight;
  }
  k2 += (k2Extra * PI_SQUARED * SQRT_2PI) / (-36 * z3);
  k3 += (k3Extra * PI_SQUARED * SQRT_2PI) / (216 * z6);
  return k0 + k1 / Math.sqrt(n) + k2 / n + k3 / n ** 1.5;
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

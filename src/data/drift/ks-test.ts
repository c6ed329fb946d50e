/**
 * The two-sample Kolmogorov–Smirnov test, computed as SciPy 1.10's
 * `scipy.stats.ks_2samp(reference, current)` does with its defaults (two-sided, method='auto'),
 * so that a drift report's statistic and p-value are the ones a data scientist gets from SciPy.
 */
import { kolmogorovSf } from './kolmogorov.js';

/** The outcome of a two-sample Kolmogorov–Smirnov test. */
export interface KsResult {
  /** D = max |F_ref(v) − F_cur(v)| over all values v (for an exact p-value, SciPy's h/lcm(n1, n2) form of it). */
  readonly statistic: number;
  /** Pr(D ≥ observed) when both samples come from one continuous distribution. */
  readonly pValue: number;
  /** How the p-value was found: counting lattice paths, or Kolmogorov's distribution for n1·n2/(n1 + n2). */
  readonly method: 'exact' | 'asymptotic';
}

/** SciPy's 'auto' counts paths while neither sample is larger than this. */
const MAX_EXACT_SIZE = 10_000;

/**
 * Exact p-values already counted, by sample sizes and rounded statistic (all they depend on). A
 * monitor compares window after window of one size against one reference, so the same few
 * thousand statistics come back again and again, and counting paths is most of a window's drift
 * check (about 0.15 ms a column at 455 × 1,000). Bounded: emptied when full.
 */
const exactPValues = new Map<string, number>();
const EXACT_CACHE_SIZE = 100_000;

function exactPValue(n1: number, n2: number, g: number, h: number): number {
  const key = `${n1} ${n2} ${h}`;
  let pValue = exactPValues.get(key);
  if (pValue === undefined) {
    pValue = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
    if (exactPValues.size >= EXACT_CACHE_SIZE) exactPValues.clear();
    exactPValues.set(key, pValue);
  }
  return pValue;
}

/**
 * The two-sided two-sample Kolmogorov–Smirnov test, matching `scipy.stats.ks_2samp` (SciPy 1.10).
 * `reference` and `current` sorted ascending, no NaN, each non-empty. `measured` is D when the
 * caller already walked both samples (see `compareEcdfs`), saving a pass over millions of values.
 */
export function ksTwoSample(reference: Float64Array, current: Float64Array, measured?: number): KsResult {
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`ksTwoSample needs two non-empty samples (got ${n1} and ${n2} values)`);
  let statistic = measured ?? ecdfDistance(reference, current);
  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    // D is a multiple of 1/lcm(n1, n2); SciPy rounds it to one before counting paths, and reports that.
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(statistic * lcm);
    statistic = h / lcm;
    const pValue = h === 0 ? 1 : exactPValue(n1, n2, g, h);
    if (pValue >= 0 && pValue <= 1) return { statistic, pValue, method: 'exact' };
    // Rounding left [0, 1]: SciPy then falls back to the asymptotic p-value (for the rounded D).
  }
  const effectiveSize = roundHalfEven((n1 * n2) / (n1 + n2));
  return { statistic, pValue: clip(kolmogorovSf(effectiveSize, statistic)), method: 'asymptotic' };
}

/**
 * max |i/n1 − j/n2| where i and j count the values ≤ v in each sample, over every value v of
 * either sample: one merge of the two sorted arrays, skipping ties so that each distinct value
 * is evaluated once with all its copies counted (SciPy's searchsorted(side='right')).
 */
function ecdfDistance(reference: Float64Array, current: Float64Array): number {
  const n1 = reference.length;
  const n2 = current.length;
  let i = 0;
  let j = 0;
  let largest = 0;
  // Once one sample is used up, the gap to the other's ECDF only shrinks, so the merge can stop there.
  while (i < n1 && j < n2) {
    const value = Math.min(reference[i]!, current[j]!);
    while (i < n1 && reference[i] === value) i++;
    while (j < n2 && current[j] === value) j++;
    const gap = Math.abs(i / n1 - j / n2);
    if (gap > largest) largest = gap;
  }
  return largest;
}

/**
 * Pr(D_{n,n} ≥ h/n) for two samples of size n: 2·Σ_k (−1)^(k−1) C(2n, n − kh)/C(2n, n), summed
 * in nested Horner form 2·A0(1 − A1(1 − A2(…))) of term ratios, which avoids the cancellation
 * of the alternating sum (SciPy's _compute_prob_outside_square).
 */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Pr(D_{m,n} ≥ h/lcm(m, n)): the share of monotone lattice paths from (0, 0) to (m, n) that
 * touch |x/m − y/n| ≥ h/lcm. Hodges' (1958) inside method, one column of the path table at a
 * time over the band of y the lines allow, in Viehmann's (2021, arXiv:2102.08037) form that
 * carries the outside share directly: each entry is a weighted mean of its two predecessors, so
 * the values stay in [0, 1] and small p-values keep their precision.
 */
function probabilityOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  let low = 0;
  let high = Math.min(Math.ceil(h / mg), n + 1);
  let length = high - low;
  const column = new Float64Array(Math.min(2 * high + 2, n + 1)).fill(1);
  column.fill(0, low, high);
  // 1/(x + y) for every x + y: the recurrence below is one chain of dependent operations, and a
  // multiplication is several times quicker than a division there. It moves each step by at
  // most an ulp from SciPy's division, far inside the 1e-9 the tests hold it to.
  const reciprocal = new Float64Array(m + n + 1);
  for (let sum = 1; sum <= m + n; sum++) reciprocal[sum] = 1 / sum;
  for (let x = 1; x <= m; x++) {
    // The band of y with |n·x − m·y| < h·g, stored from index 0.
    const lastLow = low;
    const lastLength = length;
    low = Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n);
    high = Math.min(Math.ceil((ng * x + h) / mg), n + 1);
    if (high <= low) return 1;
    let value = low === 0 ? 0 : 1;
    const shift = low - lastLow;
    // value_y = c_y + d_y · value_(y−1), with c_y = column[y]·x/(x+y) and d_y = y/(x+y): two
    // steps at a time, the second from the value before the first, so the chain of dependent
    // operations is half as long (c and d are computed off it).
    let k = 0;
    let y = low;
    for (; y + 1 < high; k += 2, y += 2) {
      const r0 = reciprocal[x + y]!;
      const r1 = reciprocal[x + y + 1]!;
      const c0 = column[k + shift]! * x * r0;
      const d0 = y * r0;
      const c1 = column[k + 1 + shift]! * x * r1;
      const d1 = (y + 1) * r1;
      const next = c0 + d0 * value;
      value = c1 + d1 * c0 + d1 * d0 * value;
      column[k] = next;
      column[k + 1] = value;
    }
    if (y < high) {
      value = (column[k + shift]! * x + value * y) * reciprocal[x + y]!;
      column[k] = value;
    }
    length = high - low;
    // Entries that fell out of the band are outside: they count as 1 when read next column.
    if (lastLength > length) column.fill(1, length, lastLength);
  }
  return column[high - low - 1]!;
}

function gcd(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** NumPy's round: to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const rounded = Math.round(x);
  return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * Distances between two numeric samples, defined exactly as in the fixtures' README (and SciPy /
 * NumPy): the 1-Wasserstein distance, the Jensen–Shannon distance over 10 equal-width bins of the
 * reference range, and the Population Stability Index over 10 reference-quantile bins.
 * Every function takes samples sorted ascending, without NaN: callers sort once and share.
 */

/** Bins a statistic was computed on, kept for reports and charts. */
export interface Binned {
  /** Bin edges: all 11 for Jensen–Shannon, the 9 interior ones for PSI. */
  readonly edges: readonly number[];
  readonly referenceCounts: readonly number[];
  readonly currentCounts: readonly number[];
}

export const BIN_COUNT = 10;

/** Replaces empty proportions in PSI, as is conventional (no renormalisation afterwards). */
export const PSI_EPSILON = 1e-4;

/** Two empirical CDFs compared: see {@link compareEcdfs}. */
export interface EcdfComparison {
  readonly largestGap: number;
  readonly area: number;
}

/**
 * The two empirical CDFs compared in one walk over the merged values: their largest gap (the
 * Kolmogorov–Smirnov D) and the area between them (`scipy.stats.wasserstein_distance(u, v)`).
 * The area is summed with Neumaier compensation so millions of small terms keep their precision,
 * written out inline because this loop runs over every value. Self-contained (no reference
 * outside its body): the sorting thread runs its source (see sort-in-parallel.ts).
 */
export function compareEcdfs(u: Float64Array, v: Float64Array): EcdfComparison {
  const nu = u.length;
  const nv = v.length;
  let total = 0;
  let compensation = 0;
  let largestGap = 0;
  let i = 0;
  let j = 0;
  let previous = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    const next = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    // Between `previous` and `next` both CDFs are flat.
    const gap = Math.abs(i / nu - j / nv);
    if (next > previous) {
      const term = gap * (next - previous);
      const sum = total + term;
      compensation += Math.abs(total) >= Math.abs(term) ? total - sum + term : term - sum + total;
      total = sum;
    }
    while (i < nu && u[i] === next) i++;
    while (j < nv && v[j] === next) j++;
    const after = Math.abs(i / nu - j / nv);
    if (after > largestGap) largestGap = after;
    previous = next;
  }
  return { largestGap, area: total + compensation };
}

/** `scipy.stats.wasserstein_distance(u, v)`. */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  return compareEcdfs(u, v).area;
}

/** Mean and population standard deviation (ddof 0, as NumPy's `std`), with compensated sums. */
export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  let total = 0;
  let compensation = 0;
  for (let k = 0; k < n; k++) {
    const value = values[k]!;
    const sum = total + value;
    compensation += Math.abs(total) >= Math.abs(value) ? total - sum + value : value - sum + total;
    total = sum;
  }
  const mean = (total + compensation) / n;
  let squares = 0;
  let squaresCompensation = 0;
  for (let k = 0; k < n; k++) {
    const term = (values[k]! - mean) ** 2;
    const sum = squares + term;
    squaresCompensation += squares >= term ? squares - sum + term : term - sum + squares;
    squares = sum;
  }
  return { mean, std: Math.sqrt((squares + squaresCompensation) / n) };
}

/** Index of the first element of sorted `values` that is >= `x` (or > `x` when `strict`). */
function lowerBound(values: Float64Array, x: number, strict = false): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (strict ? values[middle]! <= x : values[middle]! < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `numpy.linspace(min(ref), max(ref), 11)`: `min + k·step` for k = 0..9 and the maximum itself
 * as the last edge.
 */
export function referenceRangeEdges(reference: Float64Array): number[] {
  const low = reference[0]!;
  const high = reference[reference.length - 1]!;
  const step = (high - low) / BIN_COUNT;
  return Array.from({ length: BIN_COUNT + 1 }, (_, k) => (k === BIN_COUNT ? high : low + k * step));
}

/** Counts of sorted `values` in `[edge_k, edge_k+1)`, the last bin closed, values clipped to the edges' range. */
function countInEdges(values: Float64Array, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let start = 0;
  for (let k = 1; k < edges.length; k++) {
    // Clipping puts everything below the first edge in bin 0 and above the last in the last bin.
    const end = k === edges.length - 1 ? values.length : lowerBound(values, edges[k]!);
    counts.push(Math.max(0, end - start));
    start = Math.max(start, end);
  }
  return counts;
}

/** `scipy.spatial.distance.jensenshannon(p, q, base)` of two count vectors (proportions taken here). */
export function jensenShannonOfCounts(p: readonly number[], q: readonly number[], base = 2): number {
  const totalP = p.reduce((sum, count) => sum + count, 0);
  const totalQ = q.reduce((sum, count) => sum + count, 0);
  let divergence = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k]! / totalP;
    const b = q[k]! / totalQ;
    const m = (a + b) / 2;
    // rel_entr(x, m) is 0 for x = 0: bins empty on one side still count, empty on both do not.
    if (a > 0) divergence += a * Math.log(a / m);
    if (b > 0) divergence += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2) / Math.log(base));
}

/** Jensen–Shannon distance (base 2) over 10 equal-width bins of the reference range, current values clipped to it. */
export function jensenShannonNumeric(reference: Float64Array, current: Float64Array): { distance: number; bins: Binned } {
  const edges = referenceRangeEdges(reference);
  // A constant reference: clipping makes every current value equal to it, all in the closed last bin.
  const constant = edges[0] === edges[BIN_COUNT];
  const allInLastBin = (values: Float64Array): number[] => edges.slice(1).map((_, k) => (k === BIN_COUNT - 1 ? values.length : 0));
  const referenceCounts = constant ? allInLastBin(reference) : countInEdges(reference, edges);
  const currentCounts = constant ? allInLastBin(current) : countInEdges(current, edges);
  return { distance: jensenShannonOfCounts(referenceCounts, currentCounts), bins: { edges, referenceCounts, currentCounts } };
}

/** `numpy.quantile(sorted, q)` with the default linear method (R type 7). */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const fraction = h - below;
  const low = sorted[below]!;
  return below + 1 < sorted.length ? low + fraction * (sorted[below + 1]! - low) : low;
}

/** PSI of two count vectors: Σ (c − r)·ln(c / r) over proportions, empty ones replaced by eps. */
export function psiOfCounts(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  const referenceTotal = referenceCounts.reduce((sum, count) => sum + count, 0);
  const currentTotal = currentCounts.reduce((sum, count) => sum + count, 0);
  let psi = 0;
  for (let k = 0; k < referenceCounts.length; k++) {
    const r = referenceCounts[k]! / referenceTotal || PSI_EPSILON;
    const c = currentCounts[k]! / currentTotal || PSI_EPSILON;
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * PSI over 10 right-closed bins cut at the reference's deciles: bin i holds values with exactly i
 * interior edges strictly below them (`numpy.searchsorted(inner, x, side='left')`).
 */
export function psiNumeric(reference: Float64Array, current: Float64Array): { psi: number; bins: Binned } {
  const edges = Array.from({ length: BIN_COUNT - 1 }, (_, k) => quantileOfSorted(reference, (k + 1) / BIN_COUNT));
  const countsOf = (values: Float64Array): number[] => {
    // The number of values <= edge_k is where bin k ends.
    const ends = [...edges.map((edge) => lowerBound(values, edge, true)), values.length];
    return ends.map((end, k) => end - (k === 0 ? 0 : ends[k - 1]!));
  };
  const referenceCounts = countsOf(reference);
  const currentCounts = countsOf(current);
  return { psi: psiOfCounts(referenceCounts, currentCounts), bins: { edges, referenceCounts, currentCounts } };
}

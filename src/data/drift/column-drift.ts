/**
 * One column's drift: the samples without their missing values, the method's statistic and
 * p-value, and the other distances alongside for the report.
 */
import { countCategories, chiSquareTest, jensenShannonCategorical, proportionZTest, psiCategorical, type CategoryCounts } from './categorical-statistics.js';
import type { DriftMethod } from './choose-method.js';
import { ksTwoSample } from './ks-test.js';
import { compareEcdfs, jensenShannonNumeric, meanAndStd, psiNumeric, type EcdfComparison } from './numeric-statistics.js';
import { sortNumbers } from './sort-numbers.js';

/** A numeric column's non-missing values, sorted, and how many were missing. */
export interface NumericSample {
  readonly kind: 'numeric';
  readonly sorted: Float64Array;
  readonly missing: number;
}

/** A categorical column's non-missing values and how many were missing. */
export interface CategoricalSample {
  readonly kind: 'categorical';
  readonly values: readonly string[];
  readonly missing: number;
}

export type Sample = NumericSample | CategoricalSample;

/**
 * Sorts a numeric column (in place: the column is not used afterwards) and drops what is
 * missing: NaN (empty cells) and ±Infinity, which no distance can use (Evidently drops them too).
 */
export function numericSample(values: Float64Array): NumericSample {
  sortNumbers(values);
  return sortedSample(values);
}

/**
 * The sample of a column already sorted (NaN last): missing values sit at the ends, so they are
 * trimmed off rather than filtered.
 */
export function sortedSample(values: Float64Array): NumericSample {
  let end = values.length;
  while (end > 0 && !(values[end - 1]! < Number.POSITIVE_INFINITY)) end--;
  let start = 0;
  while (start < end && values[start] === Number.NEGATIVE_INFINITY) start++;
  return { kind: 'numeric', sorted: values.subarray(start, end), missing: values.length - (end - start) };
}

export function categoricalSample(values: readonly (string | null)[]): CategoricalSample {
  const present = values.filter((value): value is string => value !== null && value !== '');
  return { kind: 'categorical', values: present, missing: values.length - present.length };
}

/** Distinct values of two samples together, counted exactly up to `limit` (then `limit + 1`). */
export function countDistinct(reference: Sample, current: Sample, limit: number): number {
  const seen = new Set<string | number>();
  const visit = (sample: Sample): boolean => {
    if (sample.kind === 'numeric') {
      for (let k = 0; k < sample.sorted.length; k++) {
        if (k > 0 && sample.sorted[k] === sample.sorted[k - 1]) continue;
        seen.add(sample.sorted[k]!);
        if (seen.size > limit) return false;
      }
    } else {
      for (const value of sample.values) {
        seen.add(value);
        if (seen.size > limit) return false;
      }
    }
    return true;
  };
  if (visit(reference)) visit(current);
  return Math.min(seen.size, limit + 1);
}

/** The categories of a sample: numbers as their shortest decimal text. */
function categoriesOf(sample: Sample): Iterable<string> {
  return sample.kind === 'categorical' ? sample.values : Array.from(sample.sorted, (value) => String(value));
}

export interface Measured {
  readonly statistic: number;
  readonly pValue: number | null;
  /** Other distances and summaries, for the report. */
  readonly statistics: Readonly<Record<string, number>>;
  /** The distribution, for charts: bins (numeric) or categories. */
  readonly histogram: Histogram;
}

export interface Histogram {
  /** Bin edges (11, numeric) or category names. */
  readonly bins: readonly (number | string)[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** Categories by reference count, the rest summed into "(other)", so charts stay readable. */
function topCategories(counts: CategoryCounts, limit = 20): Histogram {
  const order = counts.categories.map((_, k) => k).sort((a, b) => counts.reference[b]! + counts.current[b]! - (counts.reference[a]! + counts.current[a]!));
  const shown = order.slice(0, limit);
  const rest = order.slice(limit);
  const sum = (side: readonly number[]) => rest.reduce((total, k) => total + side[k]!, 0);
  return {
    bins: [...shown.map((k) => counts.categories[k]!), ...(rest.length > 0 ? ['(other)'] : [])],
    reference: [...shown.map((k) => counts.reference[k]!), ...(rest.length > 0 ? [sum(counts.reference)] : [])],
    current: [...shown.map((k) => counts.current[k]!), ...(rest.length > 0 ? [sum(counts.current)] : [])],
  };
}

/** ECDF comparisons walked ahead of measuring (on two threads: see startPresort), by the current sample's array. */
const walked = new WeakMap<Float64Array, { readonly reference: Float64Array; readonly comparison: EcdfComparison }>();

/** Keeps `compareEcdfs(reference, current)`, walked elsewhere, for measuring these two samples. */
export function rememberEcdfComparison(reference: Float64Array, current: Float64Array, comparison: EcdfComparison): void {
  walked.set(current, { reference, comparison });
}

/** `compareEcdfs(reference, current)`, walked ahead or now. */
function ecdfComparison(reference: Float64Array, current: Float64Array): EcdfComparison {
  const known = walked.get(current);
  return known?.reference === reference ? known.comparison : compareEcdfs(reference, current);
}

/**
 * Measures drift by `method`. Numeric samples take every method (as categories for chi2 and z);
 * `asCategories` makes Jensen–Shannon and PSI count values instead of bins (auto's choice for
 * numbers with few distinct values). Without `detail`, numeric samples get only the method's own
 * statistic and p-value (no other distances, means or histogram).
 */
export function measureDrift(reference: Sample, current: Sample, method: DriftMethod, asCategories: boolean, detail = true): Measured {
  if (reference.kind === 'numeric' && current.kind === 'numeric' && !asCategories && method !== 'chi2' && method !== 'z') {
    return detail ? measureNumeric(reference.sorted, current.sorted, method) : measureNumericVerdict(reference.sorted, current.sorted, method);
  }
  const counts = countCategories(categoriesOf(reference), categoriesOf(current));
  const statistics = { jensenshannon: jensenShannonCategorical(counts), psi: psiCategorical(counts) };
  const histogram = topCategories(counts);
  switch (method) {
    case 'chi2': {
      const test = chiSquareTest(counts);
      return { statistic: test.statistic, pValue: test.pValue, statistics, histogram };
    }
    case 'z': {
      // The z-test compares two proportions; with more categories the chi-square test applies.
      const test = counts.categories.length > 2 ? chiSquareTest(counts) : proportionZTest(counts);
      return { statistic: test.statistic, pValue: test.pValue, statistics, histogram };
    }
    case 'jensenshannon':
      return { statistic: statistics.jensenshannon, pValue: null, statistics, histogram };
    case 'psi':
      return { statistic: statistics.psi, pValue: null, statistics, histogram };
    default:
      throw new Error(`${method} needs numeric samples`);
  }
}

function measureNumeric(reference: Float64Array, current: Float64Array, method: DriftMethod): Measured {
  const referenceSummary = meanAndStd(reference);
  const currentSummary = meanAndStd(current);
  const { largestGap, area: wasserstein } = ecdfComparison(reference, current);
  const wassersteinNormed = normedWasserstein(wasserstein, referenceSummary.std);
  const js = jensenShannonNumeric(reference, current);
  const psi = psiNumeric(reference, current);
  const statistics: Record<string, number> = {
    wasserstein,
    wasserstein_normed: wassersteinNormed,
    jensenshannon: js.distance,
    psi: psi.psi,
    reference_mean: referenceSummary.mean,
    current_mean: currentSummary.mean,
    reference_std: referenceSummary.std,
    current_std: currentSummary.std,
  };
  const histogram: Histogram = { bins: js.bins.edges, reference: js.bins.referenceCounts, current: js.bins.currentCounts };
  switch (method) {
    case 'ks': {
      const ks = ksTwoSample(reference, current, largestGap);
      statistics.ks_statistic = ks.statistic;
      return { statistic: ks.statistic, pValue: ks.pValue, statistics, histogram };
    }
    case 'wasserstein':
      return { statistic: wassersteinNormed, pValue: null, statistics, histogram };
    case 'jensenshannon':
      return { statistic: js.distance, pValue: null, statistics, histogram };
    case 'psi':
      return { statistic: psi.psi, pValue: null, statistics, histogram };
    default:
      throw new Error(`${method} takes categories`);
  }
}

/** The method's statistic and p-value alone: what `measureNumeric` computes for it, and nothing else. */
function measureNumericVerdict(reference: Float64Array, current: Float64Array, method: DriftMethod): Measured {
  const none = { statistics: {}, histogram: { bins: [], reference: [], current: [] } };
  switch (method) {
    case 'ks': {
      const ks = ksTwoSample(reference, current, ecdfComparison(reference, current).largestGap);
      return { statistic: ks.statistic, pValue: ks.pValue, ...none };
    }
    case 'wasserstein':
      return { statistic: normedWasserstein(ecdfComparison(reference, current).area, meanAndStd(reference).std), pValue: null, ...none };
    case 'jensenshannon':
      return { statistic: jensenShannonNumeric(reference, current).distance, pValue: null, ...none };
    case 'psi':
      return { statistic: psiNumeric(reference, current).psi, pValue: null, ...none };
    default:
      throw new Error(`${method} takes categories`);
  }
}

/** Evidently's norm: the distance over the reference's spread, floored so a constant reference does not divide by 0. */
function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, 0.001);
}

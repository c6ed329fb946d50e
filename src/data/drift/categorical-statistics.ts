/**
 * Drift between two samples of categories (text columns, or numbers with few distinct values):
 * Pearson's chi-square goodness of fit against the reference proportions, the two-proportion
 * z-test for two categories (as Evidently), and Jensen–Shannon and PSI over the categories.
 */
import { chiSquareSurvival, normalSurvival } from './distributions.js';
import { jensenShannonOfCounts, psiOfCounts } from './numeric-statistics.js';

/** Counts per category on both sides, over the union of categories (in order of first appearance). */
export interface CategoryCounts {
  readonly categories: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** Counts the non-missing values of two samples per category. */
export function countCategories(reference: Iterable<string>, current: Iterable<string>): CategoryCounts {
  const index = new Map<string, number>();
  const referenceCounts: number[] = [];
  const currentCounts: number[] = [];
  const add = (value: string, side: number[]): void => {
    let k = index.get(value);
    if (k === undefined) {
      k = index.size;
      index.set(value, k);
      referenceCounts.push(0);
      currentCounts.push(0);
    }
    side[k]!++;
  };
  for (const value of reference) add(value, referenceCounts);
  for (const value of current) add(value, currentCounts);
  return { categories: [...index.keys()], reference: referenceCounts, current: currentCounts };
}

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

function total(counts: readonly number[]): number {
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * `scipy.stats.chisquare(current_counts, reference_proportions · n_current)`, as Evidently's
 * chi-square drift test. A category the reference never holds has no expected count: it makes
 * the statistic infinite and the p-value 0, since a new value is itself a change.
 */
export function chiSquareTest(counts: CategoryCounts): TestResult {
  const referenceTotal = total(counts.reference);
  const currentTotal = total(counts.current);
  let statistic = 0;
  for (let k = 0; k < counts.categories.length; k++) {
    const expected = (counts.reference[k]! / referenceTotal) * currentTotal;
    const observed = counts.current[k]!;
    statistic += expected === 0 ? (observed === 0 ? 0 : Number.POSITIVE_INFINITY) : (observed - expected) ** 2 / expected;
  }
  return { statistic, pValue: Number.isFinite(statistic) ? chiSquareSurvival(statistic, counts.categories.length - 1) : 0 };
}

/**
 * The two-proportion z-test on the share of the first category (two-sided, pooled variance), as
 * Evidently's test for binary columns. Identical single-valued samples give p = 1.
 */
export function proportionZTest(counts: CategoryCounts): TestResult {
  const n1 = total(counts.reference);
  const n2 = total(counts.current);
  const p1 = counts.reference[0]! / n1;
  const p2 = counts.current[0]! / n2;
  const pooled = (counts.reference[0]! + counts.current[0]!) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

/** Jensen–Shannon distance (base 2) between the category proportions. */
export function jensenShannonCategorical(counts: CategoryCounts): number {
  return jensenShannonOfCounts(counts.reference, counts.current);
}

/** PSI over the categories, empty proportions replaced by eps = 1e-4. */
export function psiCategorical(counts: CategoryCounts): number {
  return psiOfCounts(counts.reference, counts.current);
}

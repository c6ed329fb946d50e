/**
 * Which test judges a column, and against which threshold. `auto` follows Evidently's default
 * (evidently/calculations/stattests/registry.py, `_get_default_stattest`): small samples get
 * hypothesis tests, large ones distances, since with many rows every test finds a "significant"
 * but harmless difference.
 */

/** Every method a user can name; `z` is the two-proportion test auto picks for binary columns. */
export const DRIFT_METHODS = ['ks', 'wasserstein', 'psi', 'jensenshannon', 'chi2', 'z'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Methods whose verdict is a p-value below the threshold; the others compare a distance. */
export function isHypothesisTest(method: DriftMethod): boolean {
  return method === 'ks' || method === 'chi2' || method === 'z';
}

/** Methods that need numbers (the others also take categories). */
export function needsNumbers(method: DriftMethod): boolean {
  return method === 'ks' || method === 'wasserstein';
}

/**
 * Default thresholds: α = 0.05 for the tests; 0.1 for normed Wasserstein and Jensen–Shannon, as
 * Evidently; 0.25 for PSI, the conventional "significant shift" (Evidently's 0.1 flags real data
 * without drift: 16 of 30 columns of the breast-cancer resample).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = { ks: 0.05, chi2: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.25 };

/** Above this many reference values, auto switches from tests to distances (Evidently's cut). */
export const LARGE_SAMPLE = 1000;

/** Numeric columns with at most this many distinct values are treated as categories. */
export const FEW_DISTINCT = 5;

export interface MethodChoice {
  readonly method: DriftMethod;
  /** Why, in words, for the report. */
  readonly reason: string;
}

/**
 * Evidently's choice for one column. `distinct` counts the values of both samples together
 * (exactly up to FEW_DISTINCT + 1; more is "many").
 */
export function chooseMethod(column: { numeric: boolean; referenceCount: number; distinct: number }): MethodChoice {
  const small = column.referenceCount <= LARGE_SAMPLE;
  const size = `${column.referenceCount} reference values ${small ? '≤' : '>'} ${LARGE_SAMPLE}`;
  if (column.numeric && column.distinct > FEW_DISTINCT) {
    return small
      ? { method: 'ks', reason: `numeric, ${size}: Kolmogorov–Smirnov test` }
      : { method: 'wasserstein', reason: `numeric, ${size}: Wasserstein distance normed by the reference's standard deviation` };
  }
  const kind = column.numeric ? `numeric with ${column.distinct} distinct values (≤ ${FEW_DISTINCT}), as categories` : 'categorical';
  if (!small) return { method: 'jensenshannon', reason: `${kind}, ${size}: Jensen–Shannon distance` };
  return column.distinct > 2
    ? { method: 'chi2', reason: `${kind}, ${size}, ${column.distinct} categories: chi-square test` }
    : { method: 'z', reason: `${kind}, ${size}, ≤ 2 categories: two-proportion z-test` };
}

/**
 * Multiple-testing corrections. Testing 30 columns at α = 0.05 flags about one and a half of them
 * when nothing changed (the breast-cancer resample flags two), so the per-column thresholds are
 * adjusted for the number of tests.
 */

export const CORRECTIONS = ['bonferroni', 'fdr', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/**
 * The p-value threshold each test is held to, in input order.
 * - `bonferroni`: α / m, bounding the chance of any false alarm by α.
 * - `fdr`: Benjamini–Hochberg at level α: the largest k with p₍ₖ₎ ≤ k·α/m sets the cut k·α/m,
 *   bounding the expected share of false alarms among the flagged columns.
 * - `none`: α for each.
 */
export function correctedThresholds(pValues: readonly number[], alpha: number, correction: Correction): number[] {
  const m = pValues.length;
  if (m === 0) return [];
  switch (correction) {
    case 'none':
      return pValues.map(() => alpha);
    case 'bonferroni':
      return pValues.map(() => alpha / m);
    case 'fdr': {
      const sorted = [...pValues].sort((a, b) => a - b);
      let cut = alpha / m;
      for (let k = m; k >= 1; k--) {
        if (sorted[k - 1]! <= (k * alpha) / m) {
          cut = (k * alpha) / m;
          break;
        }
      }
      return pValues.map(() => cut);
    }
  }
}

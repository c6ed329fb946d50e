/**
 * The Wilson score interval of a proportion (accuracy over n labelled rows): unlike the normal
 * approximation it stays inside [0, 1] and is sensible at 0 or n successes, which is where a
 * healthy model's live accuracy sits. Four lines of arithmetic, so written here rather than
 * pulled in as a dependency; it matches SciPy's `binomtest(k, n).proportion_ci(method='wilson')`.
 */

/** The standard normal quantile for a two-sided 95 % interval (SciPy's `ndtri(0.975)`). */
const Z_95 = 1.959963984540054;

/** The 95 % Wilson interval of `share` observed over `n` trials, or undefined when n is not positive. */
export function wilsonInterval(share: number, n: number, z: number = Z_95): readonly [number, number] | undefined {
  if (!(n > 0) || !Number.isFinite(share)) return undefined;
  const p = Math.min(1, Math.max(0, share));
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

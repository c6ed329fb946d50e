/** An explanation's shape: per-row SHAP values by original column and output, and the global ranking. */

export type ExplainMethod = 'tree' | 'linear' | 'kernel';

export interface FeatureImportance {
  readonly feature: string;
  /** Mean |SHAP| over the explained rows, per output. */
  readonly meanAbs: readonly number[];
  /** The mean over outputs: the ranking key. */
  readonly overall: number;
}

export interface Explanation {
  readonly method: ExplainMethod;
  /** What the values add up to: the margin (log-odds) before the output transform, or the model's output itself (kernel). */
  readonly space: 'margin' | 'output';
  /** The explained outputs: class labels, or `prediction`. */
  readonly outputs: readonly string[];
  /** Original columns, in the model's order. */
  readonly features: readonly string[];
  readonly rows: number;
  /** Per output. */
  readonly expected: Float64Array;
  /** [row][feature][output], row-major. */
  readonly values: Float64Array;
  /** The model's explained score per row and output: expected + Σ values. */
  readonly scores: Float64Array;
  /** Most important first. */
  readonly ranking: readonly FeatureImportance[];
  /** Which row of the data each explained row is. */
  readonly rowIndexes: readonly number[];
  /** The explained rows' feature values (original columns), for plots: [row][feature]. */
  readonly featureValues: Float64Array;
  /** Method-specific notes for the report (e.g. the KernelSHAP sample size). */
  readonly notes: readonly string[];
}

/** Mean |SHAP| per feature and output, sorted by the mean over outputs. */
export function rankFeatures(features: readonly string[], outputs: number, rows: number, values: Float64Array): FeatureImportance[] {
  return features
    .map((feature, j) => {
      const meanAbs = Array.from({ length: outputs }, (_, k) => {
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += Math.abs(values[(i * features.length + j) * outputs + k]!);
        return rows > 0 ? sum / rows : 0;
      });
      return { feature, meanAbs, overall: meanAbs.reduce((a, b) => a + b, 0) / outputs };
    })
    .sort((a, b) => b.overall - a.overall || a.feature.localeCompare(b.feature));
}

/** Sums values of transformed columns into their original columns: [row][column][output] → [row][feature][output]. */
export function sumByOrigin(values: Float64Array, rows: number, origins: readonly string[], outputs: number): { features: string[]; values: Float64Array } {
  const features = [...new Set(origins)];
  const index = origins.map((origin) => features.indexOf(origin));
  const result = new Float64Array(rows * features.length * outputs);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < origins.length; j++) {
      for (let k = 0; k < outputs; k++) result[(i * features.length + index[j]!) * outputs + k]! += values[(i * origins.length + j) * outputs + k]!;
    }
  }
  return { features, values: result };
}

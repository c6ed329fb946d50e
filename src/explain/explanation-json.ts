/** An explanation as JSON (`sluice explain --json`): per-row values by feature and output, and the ranking. */
import type { Explanation } from './explanation.js';

export interface ExplanationJson {
  readonly model: string;
  readonly method: Explanation['method'];
  readonly space: Explanation['space'];
  readonly outputs: readonly string[];
  readonly features: readonly string[];
  readonly expected_value: readonly number[];
  readonly ranking: readonly { feature: string; mean_abs_shap: readonly number[]; overall: number }[];
  readonly rows: readonly { row: number; score: readonly number[]; values: readonly (readonly number[])[] }[];
  readonly notes: readonly string[];
}

export function explanationToJson(explanation: Explanation, model: string): ExplanationJson {
  const m = explanation.features.length;
  const k = explanation.outputs.length;
  return {
    model,
    method: explanation.method,
    space: explanation.space,
    outputs: explanation.outputs,
    features: explanation.features,
    expected_value: Array.from(explanation.expected),
    ranking: explanation.ranking.map((item) => ({ feature: item.feature, mean_abs_shap: item.meanAbs, overall: item.overall })),
    rows: explanation.rowIndexes.map((row, i) => ({
      row,
      score: Array.from(explanation.scores.subarray(i * k, (i + 1) * k)),
      values: Array.from({ length: m }, (_, j) => Array.from(explanation.values.subarray((i * m + j) * k, (i * m + j + 1) * k))),
    })),
    notes: explanation.notes,
  };
}

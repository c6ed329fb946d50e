/**
 * A batch's predictions as named output columns, as `mlflow models predict` users expect:
 * `prediction` (the most probable class, or the value for regressors) and, for classifiers,
 * `probability_<class>` per class.
 */
import type { ModelPredictions } from '../inference/index.js';

export interface OutputColumn {
  readonly name: string;
  /** The cell of row `i`, as CSV text (numbers at full precision). */
  readonly cell: (row: number) => string;
}

/** The names the model's predictions give, before any batch (from the classes). */
export function predictionColumnNames(classes: readonly string[] | undefined): string[] {
  return classes ? ['prediction', ...classes.map((label) => `probability_${label}`)] : ['prediction'];
}

export function predictionColumns(predictions: ModelPredictions): OutputColumn[] {
  if (predictions.kind === 'values') {
    const { values } = predictions;
    return [{ name: 'prediction', cell: (row) => numberText(values[row]!) }];
  }
  const { classes, probabilities } = predictions;
  const width = classes.length;
  const label = (row: number): string => {
    let best = 0;
    for (let k = 1; k < width; k++) if (probabilities[row * width + k]! > probabilities[row * width + best]!) best = k;
    return csvText(classes[best]!);
  };
  return [{ name: 'prediction', cell: label }, ...classes.map((name, k) => ({ name: `probability_${name}`, cell: (row: number) => numberText(probabilities[row * width + k]!) }))];
}

/** A number as CSV text: shortest round-trip digits, empty for missing. */
export function numberText(value: number): string {
  return Number.isNaN(value) ? '' : String(value);
}

/** A text cell quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvText(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

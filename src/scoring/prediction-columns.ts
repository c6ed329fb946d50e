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

/** Rows the model could not score (a missing value gives NaN outputs): their prediction is left empty. */
export function unscoredRows(predictions: ModelPredictions): number {
  const data = predictions.kind === 'values' ? predictions.values : predictions.probabilities;
  const width = predictions.kind === 'values' ? 1 : predictions.classes.length;
  let count = 0;
  for (let row = 0; row * width < data.length; row++) {
    for (let k = 0; k < width; k++) {
      if (Number.isNaN(data[row * width + k]!)) {
        count++;
        break;
      }
    }
  }
  return count;
}

export function predictionColumns(predictions: ModelPredictions): OutputColumn[] {
  if (predictions.kind === 'values') {
    const { values } = predictions;
    return [{ name: 'prediction', cell: (row) => numberText(values[row]!) }];
  }
  const { classes, probabilities } = predictions;
  const width = classes.length;
  const label = (row: number): string => {
    // A row the model could not score (a missing value) has NaN probabilities: no class, not the first one.
    let best = 0;
    for (let k = 0; k < width; k++) {
      if (Number.isNaN(probabilities[row * width + k]!)) return '';
      if (probabilities[row * width + k]! > probabilities[row * width + best]!) best = k;
    }
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

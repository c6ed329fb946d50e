/**
 * `/predict`'s predictions written straight to JSON text from the output tensor: each row's label
 * and class probabilities (or its value). The same text as building the objects and calling
 * JSON.stringify (the tests hold the two equal), without an array and two objects per row: for a
 * 100-row request that was a tenth of the server's time, and the text is made once for both the
 * answer and the prediction log. Hand-written because no serialiser takes a typed array as rows.
 */
import type { FeedPart } from './feed.js';

export interface PredictionOutput {
  /** The output tensor holding the predictions. */
  readonly output: string;
  readonly kind: 'probabilities' | 'values';
  readonly classes: readonly string[];
}

/** A number as JSON.stringify writes it (NaN and ±Infinity are null). */
function numberJson(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * How JSON.stringify would lay out `{class: p, …}` built in class order: integer-like keys first in
 * ascending order, then the others in insertion order, a repeated class keeping its last column.
 */
function probabilityLayout(classes: readonly string[]): { readonly prefixes: readonly string[]; readonly columns: readonly number[] } {
  const byName: Record<string, number> = {};
  classes.forEach((name, column) => (byName[name] = column));
  const names = Object.keys(byName);
  return { prefixes: names.map((name, k) => `${k === 0 ? '{' : ','}${JSON.stringify(name)}:`), columns: names.map((name) => byName[name]!) };
}

/** The predictions of an output part as the JSON text of `/predict`'s `predictions` list. */
export function labelledPredictionsJson(prediction: PredictionOutput, output: FeedPart): string {
  const tensor = output.tensors[prediction.output]!;
  const data = tensor.data as Float32Array | Float64Array;
  if (prediction.kind === 'values') {
    const parts: string[] = [];
    for (let k = 0; k < data.length; k++) parts.push(`{"value":${numberJson(data[k]!)}}`);
    return `[${parts.join(',')}]`;
  }
  const width = tensor.rowShape[0] ?? 1;
  const classes = prediction.classes.length === width ? prediction.classes : output.rows > 0 ? Array.from({ length: width }, (_, k) => String(k)) : [];
  const { prefixes, columns } = probabilityLayout(classes);
  const labels = classes.map((name) => JSON.stringify(name));
  const parts: string[] = [];
  for (let row = 0; row < output.rows; row++) {
    const offset = row * width;
    // NaN probabilities (a missing value the model cannot impute) name no class.
    let best = -1;
    for (let k = 0; k < width; k++) {
      const p = data[offset + k]!;
      if (!Number.isNaN(p) && (best < 0 || p > data[offset + best]!)) best = k;
    }
    let probabilities = prefixes.length === 0 ? '{' : '';
    for (let k = 0; k < prefixes.length; k++) probabilities += prefixes[k]! + numberJson(data[offset + columns[k]!]!);
    parts.push(`{"label":${best < 0 ? 'null' : (labels[best] ?? 'null')},"probabilities":${probabilities}}}`);
  }
  return `[${parts.join(',')}]`;
}

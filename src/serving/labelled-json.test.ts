/** `/predict`'s predictions as JSON text: the same text as building the objects and calling JSON.stringify. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedPart } from './feed.js';
import { labelledPredictionsJson, type PredictionOutput } from './labelled-json.js';

/** The objects `/predict` answered with before, serialised by JSON.stringify: the reference. */
function reference(prediction: PredictionOutput, output: FeedPart): string {
  const tensor = output.tensors[prediction.output]!;
  const data = tensor.data as Float32Array;
  if (prediction.kind === 'values') return JSON.stringify(Array.from(data).map((value) => ({ value })));
  const width = tensor.rowShape[0] ?? 1;
  const rows = Array.from({ length: output.rows }, (_, row) => Array.from(data.subarray(row * width, (row + 1) * width)));
  const classes = prediction.classes.length === width ? prediction.classes : (rows[0]?.map((_, k) => String(k)) ?? []);
  return JSON.stringify(
    rows.map((probabilities) => {
      let best = -1;
      for (let k = 0; k < probabilities.length; k++) if (!Number.isNaN(probabilities[k]!) && (best < 0 || probabilities[k]! > probabilities[best]!)) best = k;
      return { label: best < 0 ? null : classes[best], probabilities: Object.fromEntries(classes.map((name, k) => [name, Number.isNaN(probabilities[k]!) ? null : probabilities[k]])) };
    }),
  );
}

const part = (values: readonly number[], width: number): FeedPart => ({ rows: values.length / width, tensors: { probabilities: { type: 'float32', data: Float32Array.from(values), rowShape: width === 0 ? [] : [width] } } });

for (const [name, classes, values, width] of [
  ['two numbered classes', ['0', '1'], [0.1, 0.9, 0.75, 0.25, 0.5, 0.5], 2],
  ['named classes, kept in their order', ['malignant', 'benign'], [0.3, 0.7, 0.6, 0.4], 2],
  ['integer-like names, which objects order ascending before the others', ['2', '1', 'b', 'a'], [0.1, 0.2, 0.3, 0.4], 4],
  ['a repeated class name, which keeps its last column', ['x', 'x', 'y'], [0.2, 0.5, 0.3], 3],
  ['names that need escaping', ['a "quoted" one', 'back\\slash', 'ünïcødé'], [0.2, 0.5, 0.3], 3],
  ['NaN and infinite probabilities', ['0', '1'], [Number.NaN, Number.NaN, Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.1], 2],
  ['classes that do not fit the width, named by column', ['only'], [0.25, 0.75], 2],
  ['no rows', ['0', '1'], [], 2],
] as const) {
  test(`probabilities: ${name}`, () => {
    const prediction: PredictionOutput = { output: 'probabilities', kind: 'probabilities', classes };
    const output = part(values, width);
    assert.equal(labelledPredictionsJson(prediction, output), reference(prediction, output));
  });
}

test('values: one {"value"} per element, NaN as null', () => {
  const prediction: PredictionOutput = { output: 'probabilities', kind: 'values', classes: [] };
  const output = part([1.5, -0, Number.NaN, 3e38], 1);
  assert.equal(labelledPredictionsJson(prediction, output), reference(prediction, output));
});

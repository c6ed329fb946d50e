/**
 * The compiled runtime on models Sluice's own trainer exports (Concat, Imputer, Scaler,
 * OneHotEncoder, Reshape, MatMul/Add, TreeEnsembleRegressor, Sigmoid/Softmax): each runs
 * compiled and gives onnxruntime's outputs on real rows and on adversarial ones — missing
 * values where the Imputer applies, unknown and empty categories, and inputs that land exactly
 * on tree thresholds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { assertSameOutputs, loadBoth, type ModelPair } from '../../../test/support/runtimes.js';
import { normals, writeCsv } from '../../../test/support/synthetic.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { trainModel, type Algorithm } from '../../training/index.js';
import { ort } from '../index.js';
import { readOnnxGraph } from './onnx-graph.js';
import { float32Step } from './probe.js';

type Row = Readonly<Record<string, number | string | null>>;

/** Feeds for a Sluice model: one [N, 1] input per column, numbers (missing: NaN) or text (missing: ''). */
function feeds(pair: ModelPair, rows: readonly Row[]): Record<string, ort.Tensor> {
  return Object.fromEntries(
    pair.reference.inputs.map((input) => {
      const cells = rows.map((row) => row[input.name] ?? null);
      return [
        input.name,
        input.type === 'string'
          ? new ort.Tensor('string', cells.map((cell) => (cell === null ? '' : String(cell))), [rows.length, 1])
          : new ort.Tensor('float32', Float32Array.from(cells, (cell) => (cell === null || cell === '' ? Number.NaN : Number(cell))), [rows.length, 1]),
      ];
    }),
  );
}

function csvRows(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, k) => [columns[k]!, cell === '' ? null : cell])));
}

/**
 * For every tree threshold on a numeric column, raw inputs around it (a few float32 steps either
 * side), found by inverting the graph's Scaler; `exact` counts those the Scaler maps exactly onto
 * the threshold, so that the test knows it reached the boundary.
 */
function thresholdRows(path: string, base: Row): { rows: Row[]; exact: number } {
  const graph = readOnnxGraph(readFileSync(path));
  const scaler = graph.nodes.find((node) => node.opType === 'Scaler')!;
  const trees = graph.nodes.find((node) => node.opType === 'TreeEnsembleRegressor')!;
  const numeric = graph.inputs.filter((input) => input.type === 'float32').map((input) => input.name);
  const offsets = scaler.attributes.floats('offset')!;
  const scales = scaler.attributes.floats('scale')!;
  const features = trees.attributes.ints('nodes_featureids')!;
  const modes = trees.attributes.strings('nodes_modes')!;
  const thresholds = trees.attributes.floats('nodes_values')!;
  const rows: Row[] = [];
  let exact = 0;
  features.forEach((feature, node) => {
    if (modes[node] === 'LEAF' || feature >= numeric.length) return;
    const scaled = (x: number) => Math.fround(Math.fround(Math.fround(x) - offsets[feature]!) * scales[feature]!);
    const raw = thresholds[node]! / scales[feature]! + offsets[feature]!;
    for (let step = -2; step <= 2; step++) {
      const x = float32Step(raw, step);
      if (scaled(x) === Math.fround(thresholds[node]!)) exact++;
      rows.push({ ...base, [numeric[feature]!]: x });
    }
  });
  return { rows, exact };
}

describe('the compiled runtime on models trained by sluice', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());
  const out = (name: string) => join(temp.path, name);
  const train = sharedFixture('breast_cancer', 'train.csv');
  const testRows = csvRows(sharedFixture('breast_cancer', 'test.csv'));
  const driftedRows = csvRows(sharedFixture('breast_cancer', 'current_drifted.csv'));

  async function trained(name: string, algorithm: Algorithm, dataPath: string, target: string, params: Record<string, unknown> = {}): Promise<{ pair: ModelPair; path: string }> {
    const model = await trainModel({ dataPath, target, algorithm, params, outPath: out(`${name}.onnx`) });
    return { pair: await loadBoth(model.outPath), path: model.outPath };
  }

  test('logistic regression: the breast-cancer test rows, rows with missing values, and an all-missing row', async () => {
    const { pair } = await trained('lr', 'logistic_regression', train, 'target');
    try {
      await assertSameOutputs(pair, feeds(pair, testRows), 'test.csv');
      await assertSameOutputs(pair, feeds(pair, driftedRows), 'current_drifted.csv (5 missing values)');
      await assertSameOutputs(pair, feeds(pair, [{}, testRows[3]!]), 'all missing');
    } finally {
      await pair.release();
    }
  });

  test('gradient-boosted trees: the test rows, missing values, and inputs exactly at (and a float32 step around) every threshold', async () => {
    const { pair, path } = await trained('gbdt', 'gbdt', train, 'target', { n_estimators: 40 });
    try {
      await assertSameOutputs(pair, feeds(pair, testRows), 'test.csv');
      await assertSameOutputs(pair, feeds(pair, driftedRows), 'current_drifted.csv');
      const { rows, exact } = thresholdRows(path, testRows[0]!);
      assert.ok(exact > rows.length / 10, `only ${exact} of ${rows.length} rows land exactly on a threshold`);
      await assertSameOutputs(pair, feeds(pair, rows), 'threshold rows');
    } finally {
      await pair.release();
    }
  });

  test('a text column and missing values: unknown categories, empty cells and NaN, for logistic regression and trees', async () => {
    const x = normals(600, 5);
    const colors = ['red', 'green', 'blue'];
    writeCsv(out('mixed.csv'), [
      { name: 'x', values: x.map((value, i) => (i % 17 === 0 ? null : value)) },
      { name: 'color', values: x.map((_, i) => colors[i % 3]!) },
      { name: 'label', values: x.map((value, i) => (value + (i % 3 === 0 ? 1 : -0.5) > 0 ? 'approve' : 'deny')) },
    ]);
    const adversarial: Row[] = [{ x: 0.5, color: 'purple' }, { x: null, color: 'red' }, { x: -2, color: null }, { x: null, color: null }, { x: 1e30, color: 'RED' }, ...colors.map((color, k) => ({ x: k - 1, color }))];
    for (const algorithm of ['logistic_regression', 'gbdt'] as const) {
      const { pair, path } = await trained(`mixed-${algorithm}`, algorithm, out('mixed.csv'), 'label', algorithm === 'gbdt' ? { min_samples_leaf: 5 } : {});
      try {
        await assertSameOutputs(pair, feeds(pair, csvRows(out('mixed.csv'))), `${algorithm} training rows`);
        await assertSameOutputs(pair, feeds(pair, adversarial), `${algorithm} adversarial rows`);
        if (algorithm === 'gbdt') await assertSameOutputs(pair, feeds(pair, thresholdRows(path, { color: 'green' }).rows), 'threshold rows');
      } finally {
        await pair.release();
      }
    }
  });

  test('regression (trees and least squares) and three classes (trees with a softmax)', async () => {
    const [a, b] = [normals(500, 11), normals(500, 12)];
    writeCsv(out('numeric.csv'), [
      { name: 'a', values: a },
      { name: 'b', values: b.map((value, i) => (i % 23 === 0 ? null : value)) },
      { name: 'y', values: a.map((value, i) => 3 * value - b[i]! * b[i]!) },
      { name: 'tier', values: a.map((value) => (value > 0.5 ? 'high' : value < -0.5 ? 'low' : 'mid')) },
    ]);
    const rows = csvRows(out('numeric.csv'));
    const cases = [
      { name: 'gbdt-regression', algorithm: 'gbdt', target: 'y', exclude: 'tier' },
      { name: 'least-squares', algorithm: 'linear_regression', target: 'y', exclude: 'tier' },
      { name: 'gbdt-three-classes', algorithm: 'gbdt', target: 'tier', exclude: 'y' },
    ] as const;
    for (const { name, algorithm, target, exclude } of cases) {
      const model = await trainModel({ dataPath: out('numeric.csv'), target, algorithm, exclude: [exclude], params: algorithm === 'gbdt' ? { n_estimators: 30 } : {}, outPath: out(`${name}.onnx`) });
      const pair = await loadBoth(model.outPath);
      try {
        await assertSameOutputs(pair, feeds(pair, rows), name);
        await assertSameOutputs(pair, feeds(pair, [{ a: null, b: null }, { a: 1e6, b: -1e6 }]), `${name} extremes`);
        if (algorithm === 'gbdt') await assertSameOutputs(pair, feeds(pair, thresholdRows(model.outPath, { a: 0, b: 0 }).rows), `${name} threshold rows`);
      } finally {
        await pair.release();
      }
    }
  });
});

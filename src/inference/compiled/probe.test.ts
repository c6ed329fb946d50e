/**
 * The probe rows a compiled graph is verified on: the same on every load, and reaching the
 * places a wrong kernel would show — inputs the Scaler maps exactly onto tree thresholds, NaN
 * where the Imputer replaces it, the graph's categories and unknown ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { normals, writeCsv } from '../../../test/support/synthetic.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { trainModel } from '../../training/index.js';
import { compileGraph } from './compile.js';
import { DEFAULT_KERNELS } from './kernels.js';
import { readOnnxGraph, type OnnxGraph } from './onnx-graph.js';
import { probeRows, type Probe } from './probe.js';
import { probeHints } from './probe-hints.js';

describe('the probe', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let graph: OnnxGraph;
  let probe: () => Probe;
  before(async () => {
    temp = makeTempDir();
    const x = normals(400, 3);
    writeCsv(join(temp.path, 'data.csv'), [
      { name: 'x', values: x.map((value, i) => (i % 11 === 0 ? null : value * 10 + 50)) },
      { name: 'color', values: x.map((_, i) => ['red', 'green', 'blue'][i % 3]!) },
      { name: 'label', values: x.map((value, i) => (value + (i % 3) * 0.3 > 0.2 ? 'yes' : 'no')) },
    ]);
    const model = await trainModel({ dataPath: join(temp.path, 'data.csv'), target: 'label', algorithm: 'gbdt', params: { n_estimators: 20, min_samples_leaf: 5 }, outPath: join(temp.path, 'model.onnx') });
    graph = readOnnxGraph(readFileSync(model.outPath));
    probe = () => {
      const compiled = compileGraph(graph, DEFAULT_KERNELS);
      return probeRows(compiled, probeHints(graph, compiled.shapes));
    };
  });
  after(() => temp.remove());

  const inputIndex = (name: string) => graph.inputs.findIndex((input) => input.name === name);

  test('is the same on every load', () => {
    const [first, second] = [probe(), probe()];
    assert.equal(first.rows, 256);
    assert.deepEqual(first.inputs, second.inputs);
  });

  test('feeds every tree threshold: values the Scaler maps onto it (nearly all exactly) and just either side of it, and NaN for the Imputer', () => {
    const scaler = graph.nodes.find((node) => node.opType === 'Scaler')!;
    const trees = graph.nodes.find((node) => node.opType === 'TreeEnsembleRegressor')!;
    const [offset, scale] = [scaler.attributes.floats('offset')![0]!, scaler.attributes.floats('scale')![0]!];
    const scaled = (x: number) => Math.fround(Math.fround(x - offset) * scale);
    const features = trees.attributes.ints('nodes_featureids')!;
    const modes = trees.attributes.strings('nodes_modes')!;
    const thresholds = trees.attributes.floats('nodes_values')!.map(Math.fround).filter((_, node) => modes[node] !== 'LEAF' && features[node] === 0);
    const values = [...(probe().inputs[inputIndex('x')] as Float32Array)];
    const at = thresholds.filter((threshold) => values.some((value) => scaled(value) === threshold));
    const below = thresholds.filter((threshold) => values.some((value) => scaled(value) < threshold && scaled(value) > threshold - 1e-5));
    const above = thresholds.filter((threshold) => values.some((value) => scaled(value) > threshold && scaled(value) < threshold + 1e-5));
    assert.ok(thresholds.length > 0, 'the model splits on x');
    assert.ok(at.length >= thresholds.length * 0.9, `${at.length} of ${thresholds.length} thresholds hit exactly`);
    assert.ok(below.length === thresholds.length && above.length === thresholds.length, `${below.length} below, ${above.length} above, of ${thresholds.length}`);
    assert.ok(values.some(Number.isNaN), 'NaN, which the Imputer replaces');
  });

  test('feeds a string input the categories the graph knows, an unknown one and an empty one', () => {
    const values = new Set(probe().inputs[inputIndex('color')] as string[]);
    for (const category of ['red', 'green', 'blue', '']) assert.ok(values.has(category), category);
    assert.ok([...values].some((value) => !['red', 'green', 'blue', ''].includes(value)), 'an unknown category');
  });
});

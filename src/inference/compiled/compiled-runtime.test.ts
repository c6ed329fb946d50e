/**
 * The compiled runtime at its boundary, `loadOnnxModel(path, { runtime: 'auto' })`: the three
 * fixture models run compiled and give onnxruntime's outputs; graphs it cannot compile, and a
 * kernel that computes the wrong thing, leave the model on onnxruntime with the reason said.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { assertSameOutputs, floatTensor, loadBoth, loadBytesBoth } from '../../../test/support/runtimes.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { OnnxGraphBuilder } from '../../training/index.js';
import { loadOnnxModel } from '../index.js';
import { prepareCompiledRuntime } from './compiled-runtime.js';
import { emitElementwise } from './ops/elementwise.js';
import { DEFAULT_KERNELS } from './kernels.js';

const MODELS = ['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'] as const;

/** The 30 feature columns of a breast-cancer CSV as rows of numbers (a missing value as NaN). */
function featureRows(file: string): number[][] {
  const [, ...lines] = readFileSync(sharedFixture('breast_cancer', file), 'utf8').trim().split('\n');
  return lines.map((line) => line.split(',').slice(0, 30).map((cell) => (cell === '' ? Number.NaN : Number(cell))));
}

function modelPath(name: string): string {
  return sharedFixture('breast_cancer', 'models', `${name}.onnx`);
}

describe('the compiled runtime on the fixture models', () => {
  const testRows = featureRows('test.csv');
  const drifted = featureRows('current_drifted.csv');

  for (const name of MODELS) {
    test(`${name} runs compiled and matches onnxruntime on test.csv and current_drifted.csv, in one batch and row by row`, async () => {
      const pair = await loadBoth(modelPath(name));
      try {
        assert.deepEqual(pair.compiled.runtime, { kind: 'compiled', reason: 'verified against onnxruntime on 256 probe rows' });
        await assertSameOutputs(pair, { input: floatTensor(testRows) }, `${name} test.csv`);
        // current_drifted.csv has 5 missing values: NaN goes through both runtimes alike.
        await assertSameOutputs(pair, { input: floatTensor(drifted) }, `${name} current_drifted.csv`);
        for (const [k, row] of testRows.slice(0, 20).entries()) await assertSameOutputs(pair, { input: floatTensor([row]) }, `${name} row ${k}`);
      } finally {
        await pair.release();
      }
    });
  }

  test('compiled with loops only (no unrolling), the fixture models still match onnxruntime', async () => {
    for (const name of MODELS) {
      const compiled = await loadOnnxModel(modelPath(name), { runtime: 'auto', compiler: { unroll: false } });
      const reference = await loadOnnxModel(modelPath(name));
      try {
        await assertSameOutputs({ compiled, reference, release: async () => undefined }, { input: floatTensor(testRows) }, `${name} (loops)`);
      } finally {
        await Promise.all([compiled.release(), reference.release()]);
      }
    }
  });

  test('without runtime: auto a model stays on onnxruntime', async () => {
    const model = await loadOnnxModel(modelPath('bc_logreg'));
    await model.release();
    assert.equal(model.runtime.kind, 'onnxruntime');
  });

  test('feeds the compiled function was not built for go to onnxruntime, which rejects them as before', async () => {
    const pair = await loadBoth(modelPath('bc_logreg'));
    try {
      const feeds = { input: floatTensor([testRows[0]!.slice(0, 29)]) };
      const reference = await pair.reference.run(feeds).then(
        () => 'ran',
        (error: Error) => error.message,
      );
      await assert.rejects(pair.compiled.run(feeds), (error: Error) => error.message === reference);
    } finally {
      await pair.release();
    }
  });
});

describe('models the compiled runtime leaves to onnxruntime', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('a graph with an operator it does not implement: onnxruntime serves, and the reason names the operator', async () => {
    const builder = new OnnxGraphBuilder();
    builder.input('x', 'float', ['N', 3]);
    builder.node('Erf', ['x'], { outputs: ['y'] });
    builder.output('y', 'float', ['N', 3]);
    const pair = await loadBytesBoth(temp.path, 'erf', builder.build({ producerVersion: 'test', metadata: {} }));
    try {
      assert.equal(pair.compiled.runtime.kind, 'onnxruntime');
      assert.match(pair.compiled.runtime.reason, /operator Erf is not supported/);
      const outputs = await pair.compiled.run({ x: floatTensor([[0, 1, -1]]) });
      assert.ok(Math.abs((outputs.y!.data as Float32Array)[1]! - 0.8427) < 1e-3, 'onnxruntime still answers');
    } finally {
      await pair.release();
    }
  });

  test('a graph with a dynamic dimension after the batch: onnxruntime serves, and the reason says so', async () => {
    const builder = new OnnxGraphBuilder();
    builder.input('x', 'float', ['N', 'F']);
    builder.node('Sigmoid', ['x'], { outputs: ['y'] });
    builder.output('y', 'float', ['N', 'F']);
    const pair = await loadBytesBoth(temp.path, 'dynamic', builder.build({ producerVersion: 'test', metadata: {} }));
    try {
      assert.equal(pair.compiled.runtime.kind, 'onnxruntime');
      assert.match(pair.compiled.runtime.reason, /input x has dynamic dimensions after the batch/);
    } finally {
      await pair.release();
    }
  });

  test('a graph with more arithmetic per row than pays off: onnxruntime serves, and the reason says how much', async () => {
    const builder = new OnnxGraphBuilder();
    builder.input('x', 'float', ['N', 128]);
    builder.node('MatMul', ['x', builder.constant('w', { dims: [128, 128], floats: Array.from({ length: 128 * 128 }, (_, k) => (k % 7) / 7) })], { outputs: ['y'] });
    builder.output('y', 'float', ['N', 128]);
    const pair = await loadBytesBoth(temp.path, 'large', builder.build({ producerVersion: 'test', metadata: {} }));
    try {
      assert.equal(pair.compiled.runtime.kind, 'onnxruntime');
      assert.match(pair.compiled.runtime.reason, /the graph does 16384 multiply-adds per row/);
    } finally {
      await pair.release();
    }
  });

  test('a kernel that computes the wrong thing fails the verification: onnxruntime serves, and the reason shows the difference', async () => {
    const session = await loadOnnxModel(modelPath('bc_logreg'));
    // Sigmoid with its argument 0.1 % too large: differences up to about 1e-4.
    const kernels = new Map(DEFAULT_KERNELS).set('/Sigmoid', (context) => emitElementwise(context, [context.input(0)], ([x]) => `1 / (1 + Math.exp(-1.001 * ${x}))`));
    try {
      const runtime = await prepareCompiledRuntime(readFileSync(modelPath('bc_logreg')), (feeds, names) => session.run(feeds, names), { kernels });
      assert.equal(runtime.info.kind, 'onnxruntime');
      assert.equal(runtime.run, undefined);
      assert.match(runtime.info.reason, /^compiled outputs differ from onnxruntime's on the probe: probabilities row \d+, element [01]: /);
      const unchanged = await prepareCompiledRuntime(readFileSync(modelPath('bc_logreg')), (feeds, names) => session.run(feeds, names));
      assert.equal(unchanged.info.kind, 'compiled', 'the same model with the right kernel passes');
    } finally {
      await session.release();
    }
  });
});

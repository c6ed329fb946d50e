/**
 * Each ai.onnx operator family and feature transform the compiled runtime implements, in small
 * graphs built here: the graph runs compiled (verified on load) and gives onnxruntime's outputs
 * on rows chosen for the operator's edges.
 */
import { after, before, describe, test } from 'node:test';
import { assertSameOutputs, floatTensor, loadBytesBoth } from '../../../../test/support/runtimes.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { OnnxGraphBuilder } from '../../../training/index.js';
import { ort } from '../../index.js';

const ROWS = [
  [0, 1, -1, 0.5, 2, -3],
  [10, -0.25, 3.5, 1e-3, -7, 100],
  [-1e4, 2.5, 0, 0.75, 1, -0.5],
];

/** Builds a graph, loads it with both runtimes and compares them on `feeds`. */
async function check(dir: string, name: string, build: (builder: OnnxGraphBuilder) => void, feeds: Record<string, ort.Tensor>): Promise<void> {
  const builder = new OnnxGraphBuilder();
  build(builder);
  const pair = await loadBytesBoth(dir, name, builder.build({ producerVersion: 'test', metadata: {} }));
  try {
    await assertSameOutputs(pair, feeds, name);
  } finally {
    await pair.release();
  }
}

describe('compiled operators match onnxruntime', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('Gemm with alpha, beta, transB and a bias row; MatMul by a vector', async () => {
    await check(
      temp.path,
      'gemm',
      (g) => {
        g.input('x', 'float', ['N', 3]);
        const b = g.constant('b', { dims: [2, 3], floats: [0.5, -1, 2, 0.25, 0, -3] });
        const c = g.constant('c', { dims: [2], floats: [1, -2] });
        g.node('Gemm', ['x', b, c], { outputs: ['y'], attributes: { alpha: { f: 0.5 }, beta: { f: 2 }, transB: { i: 1 } } });
        g.node('MatMul', ['x', g.constant('v', { dims: [3], floats: [1, 2, 3] })], { outputs: ['z'] });
        g.output('y', 'float', ['N', 2]);
        g.output('z', 'float', ['N']);
      },
      { x: floatTensor(ROWS.map((row) => row.slice(0, 3))) },
    );
  });

  test('a product too large to unroll runs as loops', async () => {
    const weights = Array.from({ length: 64 * 40 }, (_, k) => Math.sin(k));
    await check(
      temp.path,
      'wide',
      (g) => {
        g.input('x', 'float', ['N', 64]);
        g.node('MatMul', ['x', g.constant('w', { dims: [64, 40], floats: weights })], { outputs: ['m'] });
        g.node('Relu', ['m'], { outputs: ['y'] });
        g.output('y', 'float', ['N', 40]);
      },
      { x: floatTensor([Array.from({ length: 64 }, (_, k) => k / 7 - 3), Array.from({ length: 64 }, (_, k) => Math.cos(k))]) },
    );
  });

  test('Softmax along a middle axis and LogSoftmax along the last', async () => {
    await check(
      temp.path,
      'softmax',
      (g) => {
        g.input('x', 'float', ['N', 2, 3]);
        g.node('Softmax', ['x'], { outputs: ['s'], attributes: { axis: { i: 1 } } });
        g.node('LogSoftmax', ['x'], { outputs: ['l'], attributes: { axis: { i: -1 } } });
        g.output('s', 'float', ['N', 2, 3]);
        g.output('l', 'float', ['N', 2, 3]);
      },
      { x: floatTensor(ROWS, [2, 3]) },
    );
  });

  test('activations and Clip with bounds given as inputs', async () => {
    const unary = ['Relu', 'Tanh', 'Sigmoid', 'Abs', 'Neg', 'Floor', 'Ceil'];
    await check(
      temp.path,
      'activations',
      (g) => {
        g.input('x', 'float', ['N', 6]);
        for (const op of unary) g.node(op, ['x'], { outputs: [op.toLowerCase()] });
        g.node('LeakyRelu', ['x'], { outputs: ['leaky'], attributes: { alpha: { f: 0.2 } } });
        const [small] = g.node('Div', ['x', g.constant('hundred', { dims: [], floats: [100] })]);
        g.node('Exp', [small!], { outputs: ['exp'] });
        const [positive] = g.node('Abs', ['x']);
        g.node('Sqrt', [positive!], { outputs: ['sqrt'] });
        g.node('Log', [g.node('Add', [positive!, g.constant('one', { dims: [1], floats: [1] })])[0]!], { outputs: ['log'] });
        g.node('Clip', ['x', g.constant('low', { dims: [], floats: [-1] }), g.constant('high', { dims: [], floats: [2] })], { outputs: ['clip'] });
        for (const name of [...unary.map((op) => op.toLowerCase()), 'leaky', 'exp', 'sqrt', 'log', 'clip']) g.output(name, 'float', ['N', 6]);
      },
      { x: floatTensor(ROWS) },
    );
  });

  test('Max, Min and Sum of three operands, two of them broadcast constants', async () => {
    await check(
      temp.path,
      'variadic',
      (g) => {
        g.input('x', 'float', ['N', 2, 3]);
        const row = g.constant('row', { dims: [1, 3], floats: [0, 1, -1] });
        const column = g.constant('column', { dims: [2, 1], floats: [0.5, -0.5] });
        for (const op of ['Max', 'Min', 'Sum']) g.node(op, ['x', row, column], { outputs: [op.toLowerCase()] });
        g.node('Mul', ['x', column], { outputs: ['mul'] });
        g.node('Sub', [row, 'x'], { outputs: ['sub'] });
        for (const name of ['max', 'min', 'sum', 'mul', 'sub']) g.output(name, 'float', ['N', 2, 3]);
      },
      { x: floatTensor(ROWS, [2, 3]) },
    );
  });

  test('Reshape, Concat, Gather with a negative index, Flatten, Unsqueeze and Squeeze', async () => {
    await check(
      temp.path,
      'shapes',
      (g) => {
        g.input('x', 'float', ['N', 6]);
        const [cube] = g.node('Reshape', ['x', g.constant('shape', { dims: [3], int64s: [-1, 2, 3] })]);
        const [wide] = g.node('Concat', [cube!, cube!], { attributes: { axis: { i: 2 } } });
        const [picked] = g.node('Gather', [wide!, g.constant('picks', { dims: [3], int64s: [-1, 0, 3] })], { attributes: { axis: { i: 2 } } });
        const [flat] = g.node('Flatten', [picked!]);
        const axes = g.constant('axes', { dims: [1], int64s: [1] });
        const [tall] = g.node('Unsqueeze', [flat!, axes]);
        g.node('Squeeze', [tall!, axes], { outputs: ['y'] });
        g.node('Identity', ['x'], { outputs: ['same'] });
        g.output('y', 'float', ['N', 6]);
        g.output('same', 'float', ['N', 6]);
      },
      { x: floatTensor(ROWS) },
    );
  });

  test('Scaler, Imputer (of NaN and of a sentinel), Normalizer (MAX, L1, L2), Binarizer and ArrayFeatureExtractor', async () => {
    const ml = { domain: 'ai.onnx.ml' };
    await check(
      temp.path,
      'transforms',
      (g) => {
        g.input('x', 'float', ['N', 3]);
        g.node('Imputer', ['x'], { ...ml, outputs: ['imputed'], attributes: { imputed_value_floats: { floats: [1.5, -2, 0.25] }, replaced_value_float: { f: Number.NaN } } });
        g.node('Imputer', ['x'], { ...ml, outputs: ['sentinel'], attributes: { imputed_value_floats: { floats: [9] }, replaced_value_float: { f: -1 } } });
        g.node('Scaler', ['imputed'], { ...ml, outputs: ['scaled'], attributes: { offset: { floats: [0.1, 0.2, 0.3] }, scale: { floats: [3, 0.5, 1.7] } } });
        for (const norm of ['MAX', 'L1', 'L2']) g.node('Normalizer', ['scaled'], { ...ml, outputs: [norm.toLowerCase()], attributes: { norm: { s: norm } } });
        g.node('Binarizer', ['scaled'], { ...ml, outputs: ['binary'], attributes: { threshold: { f: 0.5 } } });
        g.node('ArrayFeatureExtractor', ['scaled', g.constant('columns', { dims: [2], int64s: [2, 0] })], { ...ml, outputs: ['picked'] });
        for (const name of ['imputed', 'sentinel', 'scaled', 'max', 'l1', 'l2', 'binary']) g.output(name, 'float', ['N', 3]);
        g.output('picked', 'float', ['N', 2]);
      },
      { x: floatTensor([...ROWS.map((row) => row.slice(0, 3)), [Number.NaN, -1, 0], [0, 0, 0], [Number.NaN, Number.NaN, -1]]) },
    );
  });

  test('OneHotEncoder over two string columns, with unknown and empty categories', async () => {
    await check(
      temp.path,
      'onehot',
      (g) => {
        g.input('s', 'string', ['N', 2]);
        g.node('OneHotEncoder', ['s'], { domain: 'ai.onnx.ml', outputs: ['y'], attributes: { cats_strings: { strings: ['a', 'b', 'c'] }, zeros: { i: 1 } } });
        g.output('y', 'float', ['N', 2, 3]);
      },
      { s: new ort.Tensor('string', ['a', 'c', 'b', 'zzz', '', 'a', 'C', 'c'], [4, 2]) },
    );
  });
});

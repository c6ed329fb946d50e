/**
 * The ai.onnx.ml feature transforms: Scaler, Imputer, OneHotEncoder, Normalizer, Binarizer and
 * ArrayFeatureExtractor, with onnxruntime's float32 arithmetic (its Scaler rounds `x - offset`
 * before multiplying; its Normalizer sums in float32).
 */
import { batchedRowSize, literal, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { describeShape, rowDims, type Dim } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';
import { emitGather } from './shape.js';

/** The width C of a batched `[N, C]` float32 input (onnxruntime's ml transforms read two dimensions). */
function matrixWidth(input: Value, op: string): number {
  batchedRowSize(input, op);
  if (input.shape.length !== 2 || input.type !== 'float32') throw new UnsupportedGraph(`${op} input ${describeShape(input.shape)} ${input.type} is not a float32 [N, C] matrix`);
  return input.shape[1] as number;
}

/** Per-feature parameters (one value, or one per column) as a reader of column j. */
function perColumn(context: KernelContext, values: readonly number[], width: number, name: string): (j: number | string) => string {
  if (values.length === 1) return () => literal(Math.fround(values[0]!));
  if (values.length !== width) throw new UnsupportedGraph(`${name} has ${values.length} values for ${width} columns`);
  const floats = Float32Array.from(values);
  let captured: string | undefined;
  return (j) => (typeof j === 'number' ? literal(floats[j]!) : `${(captured ??= context.emitter.capture('c', floats))}[${j}]`);
}

/** Writes `expression(x, j)` for each column j, x being a local holding the input element. */
function emitColumns(context: KernelContext, input: Value, output: Value, width: number, expression: (x: string, j: number | string) => string): void {
  const emitter = context.emitter;
  const unrolled = emitter.unrolls(width);
  emitter.forEach(width, unrolled, (element, j) => {
    const column = unrolled ? element : 'j';
    return `{ const x = ${emitter.element(input, unrolled ? element : 'j')}; ${emitter.target(output.storage!, j)} = ${expression('x', column)}; }`;
  });
}

const scaler: Kernel = (context) => {
  const input = context.input(0);
  const width = matrixWidth(input, 'Scaler');
  const attributes = context.node.attributes;
  const offset = perColumn(context, attributes.floats('offset') ?? [0], width, 'offset');
  const scale = perColumn(context, attributes.floats('scale') ?? [1], width, 'scale');
  const output = context.define(0, 'float32', input.shape);
  emitColumns(context, input, output, width, (x, j) => `Math.fround(${x} - ${offset(j)}) * ${scale(j)}`);
};

const imputer: Kernel = (context) => {
  const input = context.input(0);
  const width = matrixWidth(input, 'Imputer');
  const attributes = context.node.attributes;
  const imputed = attributes.floats('imputed_value_floats');
  if (!imputed?.length) throw new UnsupportedGraph('only imputed_value_floats is supported');
  const value = perColumn(context, imputed, width, 'imputed_value_floats');
  const replaced = Math.fround(attributes.float('replaced_value_float', 0));
  const output = context.define(0, 'float32', input.shape);
  const test = (x: string) => (Number.isNaN(replaced) ? `${x} !== ${x}` : `${x} === ${literal(replaced)}`);
  emitColumns(context, input, output, width, (x, j) => `${test(x)} ? ${value(j)} : ${x}`);
};

const oneHotEncoder: Kernel = (context) => {
  const input = context.input(0);
  const count = batchedRowSize(input, 'OneHotEncoder');
  const attributes = context.node.attributes;
  if (attributes.int('zeros', 1) !== 1) throw new UnsupportedGraph('zeros=0 (an unknown category is an error)');
  const strings = attributes.strings('cats_strings');
  const ints = attributes.ints('cats_int64s');
  let key: (x: string) => string;
  let categories: readonly (string | number)[];
  if (strings?.length && input.type === 'string') [categories, key] = [strings, (x) => x];
  else if (ints?.length && input.type !== 'string') [categories, key] = [ints, (x) => `Math.trunc(${x})`];
  else throw new UnsupportedGraph(`categories of the wrong kind for a ${input.type} input`);
  const size = categories.length;
  const emitter = context.emitter;
  const index = emitter.capture('h', new Map(categories.map((category, k) => [category, k])));
  const output = context.define(0, 'float32', [...input.shape, size] as Dim[]);
  const unrolled = emitter.unrolls(count);
  emitter.forEach(count, unrolled, (element, j) => {
    const base = unrolled ? String(element * size) : `j * ${size}`;
    const at = (k: string) => emitter.target(output.storage!, base === '0' ? k : `${base} + ${k}`);
    return `{ for (let k = 0; k < ${size}; k++) ${at('k')} = 0; const k = ${index}.get(${key(emitter.element(input, unrolled ? element : j))}); if (k !== undefined) ${at('k')} = 1; }`;
  });
};

const normalizer: Kernel = (context) => {
  const input = context.input(0);
  const width = matrixWidth(input, 'Normalizer');
  const norm = context.node.attributes.string('norm', 'MAX');
  const output = context.define(0, 'float32', input.shape);
  const emitter = context.emitter;
  const x = emitter.element(input, 'j');
  const y = emitter.target(output.storage!, 'j');
  const loop = (body: string) => `for (let j = 0; j < ${width}; j++) ${body}`;
  const total = emitter.local('z');
  if (norm === 'MAX') emitter.line(`let ${total} = -3.4028234663852886e38;`, loop(`if (${total} < ${x}) ${total} = ${x};`));
  else if (norm === 'L1') emitter.line(`let ${total} = 0;`, loop(`${total} = Math.fround(${total} + Math.abs(${x}));`));
  else if (norm === 'L2') emitter.line(`let ${total} = 0;`, loop(`${total} = Math.fround(${total} + Math.fround(${x} * ${x}));`));
  else throw new UnsupportedGraph(`norm ${norm}`);
  const scaled = norm === 'L2' ? `(${x} < 0 ? -1 : 1) * Math.sqrt(Math.fround(Math.fround(${x} * ${x}) / ${total}))` : `${x} / ${total}`;
  emitter.line(loop(`${y} = ${total} !== 0 ? ${scaled} : ${x};`));
};

const binarizer: Kernel = (context) => {
  const input = context.input(0);
  const count = batchedRowSize(input, 'Binarizer');
  if (input.type !== 'float32') throw new UnsupportedGraph('the input is not float32');
  const threshold = literal(Math.fround(context.node.attributes.float('threshold', 0)));
  const output = context.define(0, 'float32', input.shape);
  const unrolled = context.emitter.unrolls(count);
  const read = context.emitter.reader(input, Array.from({ length: count }, (_, k) => k), unrolled);
  context.emitter.forEach(count, unrolled, (element, j) => `${context.emitter.target(output.storage!, j)} = ${read(element)} > ${threshold} ? 1 : 0;`);
};

const arrayFeatureExtractor: Kernel = (context) => {
  const data = context.input(0);
  const indices = context.input(1).constant;
  if (!indices || indices.type !== 'int64') throw new UnsupportedGraph('the indices are not an int64 constant');
  batchedRowSize(data, 'ArrayFeatureExtractor');
  const dims = rowDims(data.shape);
  if (dims.length === 0) throw new UnsupportedGraph('a batched vector input');
  const last = dims[dims.length - 1]!;
  const picked = indices.data as number[];
  if (picked.some((index) => index < 0 || index >= last)) throw new UnsupportedGraph('an index is out of range');
  const outer = dims.slice(0, -1).reduce((product, size) => product * size, 1);
  const output = context.define(0, data.type, ['N', ...dims.slice(0, -1), picked.length]);
  const from: number[] = [];
  for (let o = 0; o < outer; o++) for (const index of picked) from.push(o * last + index);
  emitGather(context, [{ value: data, from, to: from.map((_, k) => k) }], output);
};

export const ML_TRANSFORM_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['ai.onnx.ml/Scaler', scaler],
  ['ai.onnx.ml/Imputer', imputer],
  ['ai.onnx.ml/OneHotEncoder', oneHotEncoder],
  ['ai.onnx.ml/Normalizer', normalizer],
  ['ai.onnx.ml/Binarizer', binarizer],
  ['ai.onnx.ml/ArrayFeatureExtractor', arrayFeatureExtractor],
]);

/**
 * Operators that move elements without arithmetic: Identity, Reshape, Flatten, Squeeze and
 * Unsqueeze (the same row, another shape: no code at all), Concat and Gather along a non-batch
 * axis (copies through index maps fixed at compile time), Cast between float32 and int64, and
 * Constant.
 */
import { batchedRowSize, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import type { Constant } from '../onnx-graph.js';
import { describeShape, isBatched, normalizeAxis, product, rowDims, rowSize, type Dim } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';

function intsConstant(value: Value | undefined, role: string): number[] {
  if (!value?.constant || value.constant.type !== 'int64') throw new UnsupportedGraph(`${role} is not an int64 constant`);
  return [...(value.constant.data as number[])];
}

/** Copies elements of `source`'s row into output 0: output element k reads source element `from[k]`. */
export function emitGather(context: KernelContext, sources: readonly { value: Value; from: readonly number[]; to: readonly number[] }[], output: Value): void {
  const emitter = context.emitter;
  for (const { value, from, to } of sources) {
    const contiguous = from.every((index, k) => index === from[0]! + k) && to.every((index, k) => index === to[0]! + k);
    const unrolled = emitter.unrolls(from.length);
    if (unrolled || !contiguous) {
      if (!unrolled) {
        const map = emitter.capture('m', Int32Array.from(from));
        const target = emitter.capture('m', Int32Array.from(to));
        emitter.line(`for (let j = 0; j < ${from.length}; j++) ${emitter.target(output.storage!, `${target}[j]`)} = ${emitter.element(value, `${map}[j]`)};`);
      } else {
        from.forEach((index, k) => emitter.line(`${emitter.target(output.storage!, to[k]!)} = ${emitter.element(value, index)};`));
      }
      continue;
    }
    emitter.line(`for (let j = 0; j < ${from.length}; j++) ${emitter.target(output.storage!, `${to[0]} + j`)} = ${emitter.element(value, `${from[0]} + j`)};`);
  }
}

const identity: Kernel = (context) => {
  const input = context.input(0);
  context.alias(0, input, input.shape);
};

const reshape: Kernel = (context) => {
  const input = context.input(0);
  const target = intsConstant(context.optionalInput(1), 'the shape');
  const allowZero = context.opset >= 14 && context.node.attributes.int('allowzero', 0) === 1;
  if (!isBatched(input.shape)) throw new UnsupportedGraph('reshaping a constant');
  const dims = target.map((size, axis) => (size === 0 && !allowZero ? (input.shape[axis] ?? 0) : size));
  const known = dims.filter((dim) => dim !== -1 && dim !== 'N') as number[];
  const elements = rowSize(input.shape);
  let shape: Dim[];
  if (dims[0] === 'N') {
    const free = dims.indexOf(-1);
    const rest = product(known);
    shape = dims.map((dim) => (dim === -1 ? elements / rest : dim));
    if (free >= 0 && elements % rest !== 0) throw new UnsupportedGraph(`cannot reshape ${describeShape(input.shape)} to [${target.join(', ')}]`);
  } else if (dims[0] === -1 && !dims.slice(1).includes(-1) && product(known) === elements) {
    shape = ['N', ...(dims.slice(1) as number[])];
  } else {
    throw new UnsupportedGraph(`reshaping ${describeShape(input.shape)} to [${target.join(', ')}] does not keep the batch first`);
  }
  if (rowSize(shape) !== elements || shape.slice(1).some((dim) => dim === 'N')) throw new UnsupportedGraph(`cannot reshape ${describeShape(input.shape)} to [${target.join(', ')}]`);
  context.alias(0, input, shape);
};

const flatten: Kernel = (context) => {
  const input = context.input(0);
  const axis = context.node.attributes.int('axis', 1);
  const normalized = axis < 0 ? axis + input.shape.length : axis;
  const dims = rowDims(input.shape);
  if (!isBatched(input.shape) || normalized < 1 || product(dims.slice(0, normalized - 1)) !== 1) throw new UnsupportedGraph(`Flatten at axis ${axis} would merge rows`);
  context.alias(0, input, ['N', product(dims.slice(normalized - 1))]);
};

function axesOf(context: KernelContext): number[] | undefined {
  if (context.opset >= 13) return context.optionalInput(1) ? intsConstant(context.optionalInput(1), 'axes') : undefined;
  return context.node.attributes.ints('axes');
}

const squeeze: Kernel = (context) => {
  const input = context.input(0);
  // Without axes, onnxruntime would also drop a batch of one row: a shape that depends on the batch.
  const axes = axesOf(context)?.map((axis) => normalizeAxis(axis, input.shape, 'Squeeze'));
  if (!axes) throw new UnsupportedGraph('Squeeze without axes');
  const shape = input.shape.filter((_, axis) => !axes.includes(axis));
  if (axes.some((axis) => input.shape[axis] !== 1)) throw new UnsupportedGraph('squeezing an axis whose size is not 1');
  context.alias(0, input, shape);
};

const unsqueeze: Kernel = (context) => {
  const input = context.input(0);
  const axes = axesOf(context);
  if (!axes) throw new UnsupportedGraph('Unsqueeze without axes');
  const rank = input.shape.length + axes.length;
  const normalized = axes.map((axis) => (axis < 0 ? axis + rank : axis));
  if (normalized.includes(0) && isBatched(input.shape)) throw new UnsupportedGraph('Unsqueeze before the batch axis');
  const rest = [...input.shape];
  const shape = Array.from({ length: rank }, (_, axis) => (normalized.includes(axis) ? 1 : rest.shift()!));
  context.alias(0, input, shape);
};

const concat: Kernel = (context) => {
  const inputs = Array.from({ length: context.inputCount }, (_, k) => context.input(k));
  const first = inputs[0]!;
  const axis = normalizeAxis(context.node.attributes.int('axis'), first.shape, 'Concat');
  for (const input of inputs) {
    batchedRowSize(input, 'Concat');
    if (input.type !== first.type || input.shape.length !== first.shape.length || input.shape.some((dim, k) => k !== axis && dim !== first.shape[k])) {
      throw new UnsupportedGraph(`inputs ${describeShape(first.shape)} and ${describeShape(input.shape)} do not concatenate along axis ${axis}`);
    }
  }
  const shape = first.shape.map((dim, k) => (k === axis ? inputs.reduce((sum, input) => sum + (input.shape[k] as number), 0) : dim));
  const output = context.define(0, first.type, shape);
  const dims = rowDims(shape);
  const outer = product(dims.slice(0, axis - 1));
  const chunk = product(dims.slice(axis - 1));
  let offset = 0;
  const sources = inputs.map((input) => {
    const width = product(rowDims(input.shape).slice(axis - 1));
    const from = Array.from({ length: outer * width }, (_, k) => k);
    const to = from.map((k) => Math.floor(k / width) * chunk + offset + (k % width));
    offset += width;
    return { value: input, from, to };
  });
  emitGather(context, sources, output);
};

const gather: Kernel = (context) => {
  const data = context.input(0);
  const indices = intsConstant(context.optionalInput(1), 'the indices');
  const indexDims = context.input(1).constant!.dims;
  const axis = normalizeAxis(context.node.attributes.int('axis', 0), data.shape, 'Gather');
  batchedRowSize(data, 'Gather');
  const dims = rowDims(data.shape);
  const size = dims[axis - 1]!;
  const resolved = indices.map((index) => (index < 0 ? index + size : index));
  if (resolved.some((index) => index < 0 || index >= size)) throw new UnsupportedGraph(`an index is out of range for axis ${axis} of ${describeShape(data.shape)}`);
  const outer = product(dims.slice(0, axis - 1));
  const inner = product(dims.slice(axis));
  const shape: Dim[] = ['N', ...dims.slice(0, axis - 1), ...indexDims, ...dims.slice(axis)];
  const output = context.define(0, data.type, shape);
  const from: number[] = [];
  for (let o = 0; o < outer; o++) for (const index of resolved) for (let i = 0; i < inner; i++) from.push((o * size + index) * inner + i);
  emitGather(context, [{ value: data, from, to: from.map((_, k) => k) }], output);
};

/** TensorProto.DataType values Cast may target: float32, int32/int64 (as whole numbers). */
const CAST_TARGETS = new Map<number, 'float32' | 'int64'>([
  [1, 'float32'],
  [6, 'int64'],
  [7, 'int64'],
]);

const cast: Kernel = (context) => {
  const input = context.input(0);
  const to = CAST_TARGETS.get(context.node.attributes.int('to'));
  if (!to || input.type === 'string') throw new UnsupportedGraph(`Cast from ${input.type} to type ${context.node.attributes.int('to')}`);
  if (to === input.type) return context.alias(0, input, input.shape);
  const output = context.define(0, to, input.shape);
  const count = batchedRowSize(input, 'Cast');
  const unrolled = context.emitter.unrolls(count);
  const read = context.emitter.reader(input, Array.from({ length: count }, (_, k) => k), unrolled);
  // float32 → int64 truncates toward zero (C's conversion); int64 → float32 rounds on the store.
  const convert = (x: string) => (to === 'int64' ? `Math.trunc(${x})` : x);
  context.emitter.forEach(count, unrolled, (element, j) => `${context.emitter.target(output.storage!, j)} = ${convert(read(element))};`);
};

const constant: Kernel = (context) => {
  const attributes = context.node.attributes;
  const tensor = attributes.tensor('value');
  let value: Constant | undefined = tensor;
  if (!value && attributes.has('value_float')) value = { type: 'float32', dims: [], data: Float32Array.of(attributes.float('value_float')) };
  if (!value && attributes.has('value_floats')) value = { type: 'float32', dims: [attributes.floats('value_floats')!.length], data: Float32Array.from(attributes.floats('value_floats')!) };
  if (!value && attributes.has('value_int')) value = { type: 'int64', dims: [], data: [attributes.int('value_int')] };
  if (!value && attributes.has('value_ints')) value = { type: 'int64', dims: [attributes.ints('value_ints')!.length], data: attributes.ints('value_ints')! };
  if (!value) throw new UnsupportedGraph('a Constant of a kind the compiler does not read');
  context.constant(0, value);
};

export const SHAPE_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['/Identity', identity],
  ['/Reshape', reshape],
  ['/Flatten', flatten],
  ['/Squeeze', squeeze],
  ['/Unsqueeze', unsqueeze],
  ['/Concat', concat],
  ['/Gather', gather],
  ['/Cast', cast],
  ['/Constant', constant],
]);

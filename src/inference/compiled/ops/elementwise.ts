/**
 * Elementwise operators with numpy broadcasting: Add, Sub, Mul, Div, Max, Min, Sum, Mean and the
 * unary activations. Each output element is computed in double and stored to float32, which for
 * one IEEE operation is exactly float32 arithmetic. Sigmoid is MLAS's approximation (`mlas.ts`),
 * bit for bit; the other transcendental ones (Exp, Tanh, Log…) use the C library's functions and
 * differ from onnxruntime's in the last bits only.
 */
import { literal, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { broadcastIndex, broadcastShapes, isBatched, rowSize } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';
import { mlasLogistic } from './mlas.js';

/** Writes `expression(operand elements)` for every element of the broadcast result (output 0). */
export function emitElementwise(context: KernelContext, operands: readonly Value[], expression: (args: string[]) => string): void {
  for (const operand of operands) if (operand.type !== 'float32') throw new UnsupportedGraph(`operand ${operand.name} is ${operand.type}, not float32`);
  const shape = broadcastShapes(operands.map((operand) => operand.shape));
  if (!isBatched(shape)) throw new UnsupportedGraph('every operand is a constant (the exporter left a constant subgraph unfolded)');
  const output = context.define(0, 'float32', shape);
  const count = rowSize(shape);
  const emitter = context.emitter;
  const unrolled = emitter.unrolls(count);
  const readers = operands.map((operand) => emitter.reader(operand, broadcastIndex(operand.shape, shape), unrolled));
  emitter.forEach(count, unrolled, (element, j) => `${emitter.target(output.storage!, j)} = ${expression(readers.map((read) => read(element)))};`);
}

function binary(code: (a: string, b: string) => string): Kernel {
  return (context) => emitElementwise(context, [context.input(0), context.input(1)], ([a, b]) => code(a!, b!));
}

function variadic(code: (args: string[]) => string): Kernel {
  return (context) => {
    const operands = Array.from({ length: context.inputCount }, (_, k) => context.input(k));
    emitElementwise(context, operands, code);
  };
}

function unary(code: (x: string, context: KernelContext) => string): Kernel {
  return (context) => emitElementwise(context, [context.input(0)], ([x]) => code(x!, context));
}

/** The bound of Clip: an attribute before opset 11, an optional constant input from 11 on. */
function clipBound(context: KernelContext, input: number, attribute: string, fallback: number): number {
  if (context.opset < 11) return context.node.attributes.float(attribute, fallback);
  const value = context.optionalInput(input);
  if (!value) return fallback;
  if (!value.constant || value.constant.type !== 'float32') throw new UnsupportedGraph(`Clip's ${attribute} is not a float32 constant`);
  return value.constant.data[0] as number;
}

const clip: Kernel = (context) => {
  const low = clipBound(context, 1, 'min', -Infinity);
  const high = clipBound(context, 2, 'max', Infinity);
  emitElementwise(context, [context.input(0)], ([x]) => `Math.min(Math.max(${x}, ${literal(low)}), ${literal(high)})`);
};

export const ELEMENTWISE_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['/Add', binary((a, b) => `${a} + ${b}`)],
  ['/Sub', binary((a, b) => `${a} - ${b}`)],
  ['/Mul', binary((a, b) => `${a} * ${b}`)],
  ['/Div', binary((a, b) => `${a} / ${b}`)],
  ['/Max', variadic((args) => `Math.max(${args.join(', ')})`)],
  ['/Min', variadic((args) => `Math.min(${args.join(', ')})`)],
  ['/Sum', variadic((args) => args.reduce((sum, arg) => `Math.fround(${sum} + ${arg})`))],
  [
    '/Sigmoid',
    (context) => {
      const logistic = context.emitter.capture('logistic', mlasLogistic);
      emitElementwise(context, [context.input(0)], ([x]) => `${logistic}(${x})`);
    },
  ],
  ['/Relu', unary((x) => `Math.max(${x}, 0)`)],
  ['/LeakyRelu', unary((x, context) => `(${x} >= 0 ? ${x} : ${x} * ${literal(Math.fround(context.node.attributes.float('alpha', 0.01)))})`)],
  ['/Tanh', unary((x) => `Math.tanh(${x})`)],
  ['/Exp', unary((x) => `Math.exp(${x})`)],
  ['/Log', unary((x) => `Math.log(${x})`)],
  ['/Abs', unary((x) => `Math.abs(${x})`)],
  ['/Neg', unary((x) => `-${x}`)],
  ['/Sqrt', unary((x) => `Math.sqrt(${x})`)],
  ['/Reciprocal', unary((x) => `1 / ${x}`)],
  ['/Floor', unary((x) => `Math.floor(${x})`)],
  ['/Ceil', unary((x) => `Math.ceil(${x})`)],
  ['/Clip', clip],
]);

/**
 * Softmax and LogSoftmax along a non-batch axis. Before opset 13 the input is seen as a matrix
 * split at `axis` (default 1), each row of it one softmax; from 13 on the softmax runs along
 * `axis` alone (default -1). Each softmax is MLAS's (`mlas.ts`): onnxruntime's exponentials and
 * order of summation, so its bits.
 */
import { batchedRowSize, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { normalizeAxis, product, rowDims } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';
import { mlasSoftmax } from './mlas.js';

interface Groups {
  readonly outer: number;
  readonly size: number;
  readonly inner: number;
}

function groups(context: KernelContext, input: Value): Groups {
  const legacy = context.opset < 13;
  const axis = normalizeAxis(context.node.attributes.int('axis', legacy ? 1 : -1), input.shape, context.node.opType);
  const dims = rowDims(input.shape);
  // Row dims start at full axis 1.
  const before = dims.slice(0, axis - 1);
  if (legacy) return { outer: product(before), size: product(dims.slice(axis - 1)), inner: 1 };
  return { outer: product(before), size: dims[axis - 1]!, inner: product(dims.slice(axis)) };
}

function softmax(log: boolean): Kernel {
  return (context) => {
    const input = context.input(0);
    if (input.type !== 'float32') throw new UnsupportedGraph('the input is not float32');
    batchedRowSize(input, context.node.opType);
    const { outer, size, inner } = groups(context, input);
    const output = context.define(0, 'float32', input.shape);
    const emitter = context.emitter;
    const helper = emitter.capture('softmax', mlasSoftmax);
    const [x, xo] = [input.storage!.array, input.storage!.offset || '0'];
    const [y, yo] = [output.storage!.array, output.storage!.offset || '0'];
    const call = (base: string) => `${helper}(${x}, ${xo} + ${base}, ${y}, ${yo} + ${base}, ${size}, ${inner}, ${log});`;
    if (emitter.unrolls(outer * inner)) {
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) emitter.line(call(String(o * size * inner + i)));
    } else {
      emitter.line(`for (let o = 0; o < ${outer}; o++) for (let i = 0; i < ${inner}; i++) ${call(`o * ${size * inner} + i`)}`);
    }
  };
}

export const SOFTMAX_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['/Softmax', softmax(false)],
  ['/LogSoftmax', softmax(true)],
]);

/**
 * Softmax and LogSoftmax along a non-batch axis. Before opset 13 the input is seen as a matrix
 * split at `axis` (default 1), each row of it one softmax; from 13 on the softmax runs along
 * `axis` alone (default -1). The maximum is subtracted first, as onnxruntime does, so large
 * logits do not overflow.
 */
import { batchedRowSize, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { normalizeAxis, product, rowDims } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';

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
    const finish = (x: string, e: string, max: string, sum: string) => (log ? `${x} - ${max} - Math.log(${sum})` : `${e} / ${sum}`);
    if (emitter.unrolls(outer * size * inner)) {
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const at = (k: number) => o * size * inner + i + k * inner;
          const x = Array.from({ length: size }, (_, k) => emitter.element(input, at(k)));
          const [max, sum] = [emitter.local('mx'), emitter.local('sm')];
          const e = Array.from({ length: size }, () => emitter.local('e'));
          emitter.line(
            `const ${max} = Math.max(${x.join(', ')});`,
            ...e.map((name, k) => `const ${name} = Math.exp(${x[k]} - ${max});`),
            `const ${sum} = ${e.join(' + ')};`,
            ...e.map((name, k) => `${emitter.target(output.storage!, at(k))} = ${finish(x[k]!, name, max, sum)};`),
          );
        }
      }
      return;
    }
    const exps = emitter.capture('t', new Float64Array(size));
    const x = emitter.element(input, 'q');
    emitter.line(
      `for (let o = 0; o < ${outer}; o++) for (let i = 0; i < ${inner}; i++) {`,
      `  const base = o * ${size * inner} + i;`,
      `  let mx = -Infinity;`,
      `  for (let k = 0, q = base; k < ${size}; k++, q += ${inner}) if (${x} > mx) mx = ${x};`,
      `  let sm = 0;`,
      `  for (let k = 0, q = base; k < ${size}; k++, q += ${inner}) { const e = Math.exp(${x} - mx); ${exps}[k] = e; sm += e; }`,
      `  for (let k = 0, q = base; k < ${size}; k++, q += ${inner}) ${emitter.target(output.storage!, 'q')} = ${finish(x, `${exps}[k]`, 'mx', 'sm')};`,
      `}`,
    );
  };
}

export const SOFTMAX_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['/Softmax', softmax(false)],
  ['/LogSoftmax', softmax(true)],
]);

/**
 * MatMul and Gemm with a batched left operand and constant weights: `[N, …, K] × [K, M]`, summed
 * in float32 in onnxruntime's order (so that a sum with cancellation comes out as onnxruntime's,
 * not more exact than it). Small products are unrolled with the weights as literals; larger ones
 * loop over captured weight arrays.
 */
import { batchedRowSize, literal, type Emitter, type Storage, type Value } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { broadcastIndex, describeShape, isBatched, rowDims, type Dim } from '../shapes.js';
import { UnsupportedGraph } from '../unsupported.js';

export interface Product {
  /** Rows of the left operand per batch row (its dimensions between the batch and K). */
  readonly blocks: number;
  readonly k: number;
  readonly m: number;
  /** weights[k * m + j]: the weight of input k for output j. */
  readonly weights: Float32Array;
  /** The output's starting value for output j (beta · C, rounded to float32), or undefined for 0. */
  readonly bias?: ((block: number, j: number | string) => string) | undefined;
  readonly alpha: number;
}

function float32Constant(value: Value, role: string): Float32Array {
  if (!value.constant || value.constant.type !== 'float32') throw new UnsupportedGraph(`${role} ${value.name} is not a float32 constant`);
  return value.constant.data as Float32Array;
}

/** onnxruntime's SGEMM (MLAS) sums K in blocks of this many products. */
const K_BLOCK = 256;
/**
 * Outputs computed side by side in unrolled code: each output's sum is a chain of dependent
 * float32 roundings, so the statements alternate between several outputs for the processor to
 * overlap the chains (one chain at a time runs at the latency of the chain, about 3× slower).
 */
const INTERLEAVED = 8;

/** Unrolled code for outputs [from, to) of one block of rows: literals for the weights, one local per sum. */
function emitInterleaved(emitter: Emitter, input: Value, output: Storage, product: Product, block: number, from: number, to: number): void {
  const { k: size, m, weights } = product;
  const alpha = product.alpha === 1 ? '' : ` * ${literal(product.alpha)}`;
  const outputs = Array.from({ length: to - from }, (_, k) => from + k);
  const sums = outputs.map(() => emitter.local('s'));
  const totals = outputs.map(() => emitter.local('c'));
  const x = emitter.local('x');
  const lines = [`let ${x}, ${[...sums, ...totals].join(', ')};`];
  for (let k0 = 0; k0 < size; k0 += K_BLOCK) {
    for (let k = k0; k < Math.min(size, k0 + K_BLOCK); k++) {
      lines.push(`${x} = ${emitter.element(input, block * size + k)};`);
      outputs.forEach((j, n) => {
        const term = `${x} * ${literal(weights[k * m + j]!)}`;
        lines.push(k === k0 ? `${sums[n]} = Math.fround(${term});` : `${sums[n]} = Math.fround(${term} + ${sums[n]});`);
      });
    }
    outputs.forEach((j, n) => {
      const start = k0 === 0 ? (product.bias ? product.bias(block, j) : '0') : totals[n]!;
      lines.push(`${totals[n]} = ${start === '0' && alpha === '' ? sums[n] : `Math.fround(${sums[n]}${alpha} + ${start})`};`);
    });
  }
  outputs.forEach((j, n) => lines.push(`${emitter.target(output, block * m + j)} = ${size === 0 ? (product.bias ? product.bias(block, j) : '0') : totals[n]};`));
  emitter.line(`{ ${lines.join(' ')} }`);
}

/**
 * Writes `alpha · (row × weights) + bias` for the current row into `output`, in onnxruntime's
 * float32 order (measured bit-exact against it): the output starts at `bias` (beta · C, rounded);
 * each block of 256 products is summed from 0 with fused multiply-adds (a product of two float32
 * is exact in double, so one rounding per step), then added as `block · alpha + output`.
 */
export function emitProduct(context: KernelContext, input: Value, output: Storage, product: Product): void {
  const emitter = context.emitter;
  const { blocks, k: size, m, weights } = product;
  const alpha = product.alpha === 1 ? '' : ` * ${literal(product.alpha)}`;
  emitter.products += blocks * size * m;
  if (emitter.unrolls(blocks * size * m, 'products')) {
    for (let block = 0; block < blocks; block++) {
      for (let first = 0; first < m; first += INTERLEAVED) emitInterleaved(emitter, input, output, product, block, first, Math.min(m, first + INTERLEAVED));
    }
    return;
  }
  // Weights transposed, so the inner loop reads both operands contiguously.
  const transposed = new Float32Array(size * m);
  for (let k = 0; k < size; k++) for (let j = 0; j < m; j++) transposed[j * size + k] = weights[k * m + j]!;
  const w = emitter.capture('w', transposed);
  // Four outputs per pass, for the same reason as INTERLEAVED; the rest one by one.
  const lanes = [0, 1, 2, 3];
  const pass = (width: number, start: string, end: string) => {
    const use = lanes.slice(0, width);
    const at = (lane: number) => (lane === 0 ? 'j' : `j + ${lane}`);
    return [
      `for (let j = ${start}; j < ${end}; j += ${width}) {`,
      `  let ${use.map((lane) => `c${lane} = ${product.bias ? product.bias(0, at(lane)) : '0'}`).join(', ')};`,
      `  for (let k0 = 0; k0 < ${size}; k0 += ${K_BLOCK}) {`,
      `    let ${use.map((lane) => `s${lane} = 0`).join(', ')};`,
      `    for (let k = k0, end = Math.min(${size}, k0 + ${K_BLOCK}), wk = j * ${size} + k0; k < end; k++, wk++) {`,
      `      const a = ${emitter.element(input, 'q + k')};`,
      ...use.map((lane) => `      s${lane} = Math.fround(a * ${w}[wk${lane === 0 ? '' : ` + ${lane * size}`}] + s${lane});`),
      `    }`,
      ...use.map((lane) => `    c${lane} = Math.fround(s${lane}${alpha} + c${lane});`),
      `  }`,
      ...use.map((lane) => `  ${emitter.target(output, `p + ${at(lane)}`)} = c${lane};`),
      `}`,
    ];
  };
  const wide = m - (m % 4);
  for (let block = 0; block < blocks; block++) {
    emitter.line(`{`, `const q = ${block * size}, p = ${block * m};`, ...(wide > 0 ? pass(4, '0', String(wide)) : []), ...(wide < m ? pass(1, String(wide), String(m)) : []), `}`);
  }
}

const matMul: Kernel = (context) => {
  const a = context.input(0);
  const b = context.input(1);
  if (a.type !== 'float32' || !isBatched(a.shape) || a.shape.length < 2) throw new UnsupportedGraph(`the left operand ${a.name} is not a batched float32 matrix`);
  const weights = float32Constant(b, 'the right operand');
  const dims = b.constant!.dims;
  const aDims = rowDims(a.shape);
  const size = aDims[aDims.length - 1]!;
  if (dims.length > 2 || dims[0] !== size) throw new UnsupportedGraph(`shapes ${describeShape(a.shape)} and ${describeShape(dims)} do not multiply`);
  const m = dims.length === 2 ? dims[1]! : 1;
  const shape: Dim[] = ['N', ...aDims.slice(0, -1), ...(dims.length === 2 ? [m] : [])];
  batchedRowSize(a, 'MatMul');
  const output = context.define(0, 'float32', shape);
  emitProduct(context, a, output.storage!, { blocks: aDims.slice(0, -1).reduce((p, d) => p * d, 1), k: size, m, weights, alpha: 1 });
};

const gemm: Kernel = (context) => {
  const attributes = context.node.attributes;
  const a = context.input(0);
  const b = context.input(1);
  if (attributes.int('transA', 0) !== 0) throw new UnsupportedGraph('transA would move the batch');
  if (a.type !== 'float32' || !isBatched(a.shape) || a.shape.length !== 2) throw new UnsupportedGraph(`A (${a.name}) is not a batched float32 matrix`);
  const raw = float32Constant(b, 'B');
  const dims = b.constant!.dims;
  const size = a.shape[1] as number;
  const transB = attributes.int('transB', 0) !== 0;
  if (dims.length !== 2 || dims[transB ? 1 : 0] !== size) throw new UnsupportedGraph(`shapes ${describeShape(a.shape)} and ${describeShape(dims)} do not multiply`);
  const m = dims[transB ? 0 : 1]!;
  const weights = transB ? Float32Array.from({ length: size * m }, (_, index) => raw[(index % m) * size + Math.floor(index / m)]!) : raw;
  const shape: Dim[] = ['N', m];
  const c = context.optionalInput(2);
  const beta = Math.fround(attributes.float('beta', 1));
  const alpha = Math.fround(attributes.float('alpha', 1));
  if (c && c.type !== 'float32') throw new UnsupportedGraph('C is not float32');
  const output = context.define(0, 'float32', shape);
  const bias = c && beta !== 0 ? biasReader(context, c, shape, beta) : undefined;
  emitProduct(context, a, output.storage!, { blocks: 1, k: size, m, weights, bias, alpha });
};

/** beta · C for output j, rounded to float32 (onnxruntime fills the output with it first). */
function biasReader(context: KernelContext, c: Value, shape: Dim[], beta: number): (block: number, j: number | string) => string {
  const indices = broadcastIndex(c.shape, shape);
  const emitter = context.emitter;
  if (c.constant) {
    const values = Float32Array.from(indices, (index) => Math.fround(beta * (c.constant!.data[index] as number)));
    let captured: string | undefined;
    return (_block, j) => (typeof j === 'number' ? literal(values[j]!) : `${(captured ??= emitter.capture('c', values))}[${j}]`);
  }
  const loop = emitter.reader(c, indices, false)(0);
  const scale = (term: string) => (beta === 1 ? term : `Math.fround(${literal(beta)} * ${term})`);
  return (_block, j) => scale(typeof j === 'number' ? emitter.element(c, indices[j]!) : loop);
}

export const MATMUL_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['/MatMul', matMul],
  ['/Gemm', gemm],
]);

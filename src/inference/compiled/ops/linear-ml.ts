/**
 * ai.onnx.ml LinearRegressor and LinearClassifier: `X · coefficientsᵀ + intercepts`, then for
 * the classifier the label of the highest score (or of the sign, for one score) and
 * onnxruntime's post transforms. One row of coefficients and two labels give the scores
 * [1 - p, p], p being the score after the post transform (NONE or LOGISTIC).
 */
import { batchedRowSize, literal } from '../emitter.js';
import type { Kernel, KernelContext } from '../kernel.js';
import { UnsupportedGraph } from '../unsupported.js';
import { emitProduct } from './matmul.js';
import { mlasLogistic, mlasSoftmax } from './mlas.js';
import { softmax } from './tree-scores.js';

/** Emits the scores `X · coefficientsᵀ + intercepts` of `count` targets into output `index` (or a scratch); returns where. */
function emitScores(context: KernelContext, count: number, intoOutput: boolean) {
  const x = context.input(0);
  const width = batchedRowSize(x, context.node.opType);
  if (x.type !== 'float32' || x.shape.length !== 2) throw new UnsupportedGraph(`the input ${x.name} is not a float32 [N, C] matrix`);
  const attributes = context.node.attributes;
  const coefficients = attributes.floats('coefficients') ?? [];
  const intercepts = (attributes.floats('intercepts') ?? []).map(Math.fround);
  if (coefficients.length !== count * width) throw new UnsupportedGraph(`${coefficients.length} coefficients for ${count} targets of ${width} features`);
  if (intercepts.length !== 0 && intercepts.length !== count) throw new UnsupportedGraph(`${intercepts.length} intercepts for ${count} targets`);
  const weights = Float32Array.from({ length: width * count }, (_, index) => coefficients[(index % count) * width + Math.floor(index / count)]!);
  const storage = intoOutput ? context.define(0, 'float32', ['N', count]).storage! : context.emitter.scratch('float32', count);
  // onnxruntime's Gemm with beta 1: the intercepts are the starting value of each score.
  const captured = intercepts.length ? context.emitter.capture('c', Float32Array.from(intercepts)) : '';
  const bias = intercepts.length ? (_block: number, j: number | string) => (typeof j === 'number' ? literal(intercepts[j]!) : `${captured}[${j}]`) : undefined;
  emitProduct(context, x, storage, { blocks: 1, k: width, m: count, weights, bias, alpha: 1 });
  return storage;
}

const regressor: Kernel = (context) => {
  const attributes = context.node.attributes;
  if (attributes.string('post_transform', 'NONE') !== 'NONE') throw new UnsupportedGraph(`post_transform ${attributes.string('post_transform')}`);
  emitScores(context, attributes.int('targets', 1), true);
};

const classifier: Kernel = (context) => {
  const attributes = context.node.attributes;
  const post = attributes.string('post_transform', 'NONE');
  if (!['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'].includes(post)) throw new UnsupportedGraph(`post_transform ${post}`);
  const classes = (attributes.floats('intercepts') ?? []).length;
  if (classes === 0) throw new UnsupportedGraph('no intercepts (onnxruntime counts the classes by them)');
  const strings = attributes.strings('classlabels_strings') ?? [];
  const ints = attributes.ints('classlabels_ints') ?? [];
  const labelCount = strings.length || ints.length;
  if (classes > 1 && labelCount < classes) throw new UnsupportedGraph(`${labelCount} labels for ${classes} classes`);
  const addSecond = classes === 1 && labelCount === 2;
  if (addSecond && post !== 'NONE' && post !== 'LOGISTIC') throw new UnsupportedGraph(`post_transform ${post} on a single score`);
  const width = addSecond ? 2 : classes;
  const scores = emitScores(context, classes, false);
  const labels: readonly (string | number)[] = strings.length ? strings : ints;
  const positive = labelCount === 2 ? labels[1]! : strings.length ? '1' : 1;
  const negative = labelCount === 2 ? labels[0]! : strings.length ? '0' : 0;
  const values = new Array<number>(classes);
  const finish = (s: Float32Array, z: Float32Array, zo: number): string | number => {
    let best = 0;
    for (let k = 0; k < classes; k++) values[k] = s[k]!;
    for (let k = 1; k < classes; k++) if (values[k]! > values[best]!) best = k;
    if (addSecond) {
      const score = post === 'LOGISTIC' ? mlasLogistic(values[0]!) : values[0]!;
      z[zo] = Math.fround(1 - score);
      z[zo + 1] = score;
    } else if (post === 'SOFTMAX' && classes >= 5) {
      // onnxruntime's batched post transform: MLAS for LOGISTIC and for SOFTMAX over 5 or more classes.
      mlasSoftmax(s, 0, z, zo, classes, 1, false);
    } else {
      const out = classes === 1 || post === 'NONE' ? values : post === 'LOGISTIC' ? values.map(mlasLogistic) : softmax(values, post === 'SOFTMAX_ZERO');
      for (let k = 0; k < classes; k++) z[zo + k] = out[k]!;
    }
    return classes === 1 ? (values[0]! > 0 ? positive : negative) : labels[best]!;
  };
  const label = context.define(0, strings.length ? 'string' : 'int64', ['N']);
  const emitter = context.emitter;
  const z = context.hasOutput(1) ? context.define(1, 'float32', ['N', width]).storage! : emitter.scratch('float32', width);
  emitter.line(`${emitter.target(label.storage!, 0)} = ${emitter.capture('linear', finish)}(${scores.array}, ${emitter.rowArguments(z)});`);
};

export const LINEAR_ML_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['ai.onnx.ml/LinearRegressor', regressor],
  ['ai.onnx.ml/LinearClassifier', classifier],
]);

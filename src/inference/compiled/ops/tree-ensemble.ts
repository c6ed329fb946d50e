/**
 * ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier. The trees are walked by a small
 * loop over flat arrays (`tree-tables.ts`) called once per row from the generated code; scores
 * are accumulated in float32, tree by tree, and finished the way onnxruntime's aggregators do
 * (base values, averages, post transforms, the binary-classifier special cases), including
 * their quirks: a target no tree reached scores 0, and a single-target regressor ignores every
 * post transform but PROBIT.
 */
import type { Kernel, KernelContext } from '../kernel.js';
import { batchedRowSize } from '../emitter.js';
import { UnsupportedGraph } from '../unsupported.js';
import { findLeaf, readTreeTables, type TreeTables } from './tree-tables.js';
import { writeScores, type PostTransform } from './tree-scores.js';

type Aggregate = 'SUM' | 'AVERAGE' | 'MIN' | 'MAX';

/** Scores of one row before finishing: float32 values and whether any tree reached each target. */
export interface RawScores {
  readonly score: Float64Array;
  readonly has: Uint8Array;
}

const { fround } = Math;

/** Walks every tree for the row at `x[offset…]`, accumulating leaf weights into `raw`. */
export function accumulate(tables: TreeTables, aggregate: Aggregate, x: ArrayLike<number>, offset: number, raw: RawScores): void {
  const { score, has } = raw;
  score.fill(0);
  has.fill(0);
  const single = tables.width === 1;
  const { roots, weightStart, weightCount, weightTarget, weightValue } = tables;
  for (let t = 0; t < roots.length; t++) {
    const leaf = findLeaf(tables, t, x, offset);
    const first = weightStart[leaf]!;
    // One target: onnxruntime keeps a leaf's first weight (or, without any, its node value).
    const count = single ? 1 : weightCount[leaf]!;
    for (let w = first; w < first + count; w++) {
      const target = single ? 0 : weightTarget[w]!;
      const value = single && weightCount[leaf] === 0 ? tables.threshold[leaf]! : weightValue[w]!;
      if (aggregate === 'SUM' || aggregate === 'AVERAGE') score[target] = fround(score[target]! + value);
      else if (!has[target] || (aggregate === 'MIN' ? value < score[target]! : value > score[target]!)) score[target] = value;
      has[target] = 1;
    }
  }
}

/** The input matrix, post transform and base values both tree ensembles read. */
export function readCommon(context: KernelContext): { x: ReturnType<KernelContext['input']>; postTransform: PostTransform; base: number[] } {
  const x = context.input(0);
  batchedRowSize(x, context.node.opType);
  if (x.type !== 'float32' || x.shape.length !== 2) throw new UnsupportedGraph(`the input ${x.name} is not a float32 [N, C] matrix`);
  const postTransform = context.node.attributes.string('post_transform', 'NONE') as PostTransform;
  if (!['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'].includes(postTransform)) throw new UnsupportedGraph(`post_transform ${postTransform}`);
  return { x, postTransform, base: (context.node.attributes.floats('base_values') ?? []).map(fround) };
}

/** Finishes a regressor's row into `z[zo…]`. */
function finishRegression(raw: RawScores, aggregate: Aggregate, base: readonly number[], trees: number, post: PostTransform, z: Float32Array, zo: number): void {
  const { score, has } = raw;
  const width = score.length;
  if (width === 1) {
    const origin = base.length === 1 ? base[0]! : 0;
    if (aggregate === 'SUM') z[zo] = fround(score[0]! + origin);
    else if (aggregate === 'AVERAGE') z[zo] = fround(fround(score[0]! / trees) + origin);
    else z[zo] = has[0] ? fround(score[0]! + origin) : origin;
    return;
  }
  const useBase = base.length === width;
  for (let k = 0; k < width; k++) {
    const value = score[k]!;
    if (aggregate === 'SUM') score[k] = useBase ? fround(value + base[k]!) : value;
    else if (aggregate === 'AVERAGE') score[k] = useBase ? fround(fround(value / trees) + base[k]!) : fround(value / trees);
    else score[k] = fround((useBase ? base[k]! : 0) + (has[k] ? value : 0));
  }
  writeScores(raw, width, post, -1, z, zo);
}

const regressor: Kernel = (context) => {
  const { x, postTransform, base } = readCommon(context);
  const attributes = context.node.attributes;
  const targets = attributes.int('n_targets', 1);
  const aggregate = attributes.string('aggregate_function', 'SUM') as Aggregate;
  if (!['SUM', 'AVERAGE', 'MIN', 'MAX'].includes(aggregate)) throw new UnsupportedGraph(`aggregate_function ${aggregate}`);
  const tables = readTreeTables(attributes, 'target', targets);
  if (tables.maxFeature >= (x.shape[1] as number)) throw new UnsupportedGraph(`a tree reads feature ${tables.maxFeature} of ${x.shape[1]}`);
  const trees = tables.roots.length;
  const raw: RawScores = { score: new Float64Array(targets), has: new Uint8Array(targets) };
  const evaluate = (input: Float32Array, offset: number, z: Float32Array, zo: number) => {
    accumulate(tables, aggregate, input, offset, raw);
    finishRegression(raw, aggregate, base, trees, postTransform, z, zo);
  };
  const output = context.define(0, 'float32', ['N', targets]);
  const emitter = context.emitter;
  emitter.line(`${emitter.capture('tree', evaluate)}(${emitter.rowArguments(x.storage!)}, ${emitter.rowArguments(output.storage!)});`);
};

export const TREE_REGRESSOR_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([['ai.onnx.ml/TreeEnsembleRegressor', regressor]]);

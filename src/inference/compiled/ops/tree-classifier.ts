/**
 * ai.onnx.ml TreeEnsembleClassifier: the trees' class scores summed in float32, then finished
 * as onnxruntime's TreeAggregatorClassifier does: base values, the label of the highest score,
 * and for two classes its binary rules (weights on one class only: the other's score derived
 * from it; a label chosen at 0.5 or 0 depending on whether every weight is positive).
 */
import type { Kernel } from '../kernel.js';
import { UnsupportedGraph } from '../unsupported.js';
import { accumulate, readCommon, type RawScores } from './tree-ensemble.js';
import { readTreeTables } from './tree-tables.js';
import { writeScores, type PostTransform } from './tree-scores.js';

const { fround } = Math;

interface ClassifierRules {
  readonly width: number;
  readonly base: readonly number[];
  readonly labels: readonly number[];
  readonly binaryCase: boolean;
  readonly allPositive: boolean;
  readonly post: PostTransform;
}

/** Finishes a row: writes the scores into `z[zo…]` and returns the label (a value, or an index for string labels). */
function finishClassification(raw: RawScores, rules: ClassifierRules, z: Float32Array, zo: number): number {
  const { score, has } = raw;
  const { base, labels } = rules;
  if (rules.width > 2) {
    for (let k = 0; k < base.length; k++) {
      score[k] = has[k] ? fround(score[k]! + base[k]!) : base[k]!;
      has[k] = 1;
    }
    let best = -1;
    for (let k = 0; k < rules.width; k++) if (has[k] && (best === -1 || score[k]! > score[best]!)) best = k;
    writeScores(raw, rules.width, rules.post, -1, z, zo);
    return labels[Math.max(best, 0)]!;
  }
  let add = -1;
  let size = 2;
  if (base.length === 2) {
    if (has[1]) {
      score[1] = fround(base[1]! + score[0]!);
      score[0] = -score[1]!;
    } else {
      score[1] = fround(score[1]! + base[1]!);
      score[0] = fround(score[0]! + base[0]!);
    }
  } else if (base.length === 1) {
    score[0] = fround(score[0]! + base[0]!);
    if (!has[1]) size = 1;
  } else if (base.length === 0) {
    add = 3;
    if (!has[1]) size = 1;
  }
  const positive = size === 2 && has[1] ? score[1]! : has[0] ? score[0]! : 0;
  let label: number;
  if (rules.binaryCase) {
    const above = rules.allPositive ? positive > 0.5 : positive > 0;
    add = rules.allPositive ? (above ? 0 : 1) : above ? 2 : 3;
    label = labels[above ? 1 : 0]!;
  } else {
    label = positive > 0 ? 1 : 0;
  }
  writeScores(raw, size, rules.post, add, z, zo);
  return label;
}

const classifier: Kernel = (context) => {
  const { x, postTransform, base } = readCommon(context);
  const attributes = context.node.attributes;
  const strings = attributes.strings('classlabels_strings') ?? [];
  const ints = attributes.ints('classlabels_int64s') ?? [];
  const width = strings.length || ints.length;
  if (width < 2) throw new UnsupportedGraph('fewer than two class labels');
  const tables = readTreeTables(attributes, 'class', width);
  if (tables.maxFeature >= (x.shape[1] as number)) throw new UnsupportedGraph(`a tree reads feature ${tables.maxFeature} of ${x.shape[1]}`);
  const classIds = new Set(attributes.ints('class_ids'));
  const rules: ClassifierRules = {
    width,
    base,
    labels: strings.length ? strings.map((_, k) => k) : ints,
    binaryCase: width === 2 && classIds.size === 1,
    allPositive: (attributes.floats('class_weights') ?? []).every((weight) => !(weight < 0)),
    post: postTransform,
  };
  const raw: RawScores = { score: new Float64Array(width), has: new Uint8Array(width) };
  const evaluate = (input: Float32Array, offset: number, z: Float32Array, zo: number): number => {
    accumulate(tables, 'SUM', input, offset, raw);
    return finishClassification(raw, rules, z, zo);
  };
  const labelOutput = context.define(0, strings.length ? 'string' : 'int64', ['N']);
  const scores = context.hasOutput(1) ? context.define(1, 'float32', ['N', width]) : undefined;
  const emitter = context.emitter;
  const target = scores ? emitter.rowArguments(scores.storage!) : `${emitter.capture('t', new Float32Array(width))}, 0`;
  const call = `${emitter.capture('tree', evaluate)}(${emitter.rowArguments(x.storage!)}, ${target})`;
  const label = strings.length ? `${emitter.capture('labels', strings)}[${call}]` : call;
  emitter.line(`${emitter.target(labelOutput.storage!, 0)} = ${label};`);
};

export const TREE_CLASSIFIER_KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([['ai.onnx.ml/TreeEnsembleClassifier', classifier]]);

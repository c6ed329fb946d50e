/**
 * An XGBoost booster (its saved JSON) as an ONNX model in the shape Sluice's own trainer writes:
 * one float input per feature column, joined, then an ai.onnx.ml TreeEnsembleRegressor giving
 * the raw margin (base score + Σ leaves), then Sigmoid (binary:logistic) or Softmax
 * (multi:softprob, multi:softmax) into `probabilities`, or the margin itself as `predictions`
 * (reg:squarederror). Serving, evaluation, gates and explanations then treat it like any model
 * Sluice trained.
 *
 * Exactness: XGBoost sends `x < split` to the left child and a missing value the node's default
 * way; ONNX's BRANCH_LT with `nodes_missing_value_tracks_true` = default_left does the same, on
 * the same float32 thresholds. Written by hand because the converters that exist (onnxmltools)
 * are Python and lag XGBoost's format; the format is small and documented.
 *
 * Covers: each node's hessian sum (XGBoost's `sum_hessian`, the "cover" TreeSHAP weights paths
 * by) is kept in the metadata key `sluice.tree_covers`: a JSON array with, per tree, the covers
 * indexed by node id (the ids in `nodes_nodeids`).
 */
import { OnnxGraphBuilder, type ElementType } from '../../training/index.js';
import { importFeatureNames, importUnsupported } from '../errors.js';
import type { XgboostModel, XgboostTree } from './xgboost-json.js';

export type ImportedTask = 'binary' | 'multiclass' | 'regression';

const OBJECTIVES: Record<string, ImportedTask> = {
  'binary:logistic': 'binary',
  'multi:softprob': 'multiclass',
  'multi:softmax': 'multiclass',
  'reg:squarederror': 'regression',
};
/** What the importer converts, for its errors. */
export const SUPPORTED_BOOSTERS = 'the gbtree and dart boosters with objective binary:logistic, multi:softprob, multi:softmax or reg:squarederror, numerical splits';

export interface ImportedXgboost {
  readonly bytes: Uint8Array;
  readonly task: ImportedTask;
  readonly objective: string;
  readonly featureNames: readonly string[];
  readonly trees: number;
  readonly classes: readonly string[] | undefined;
  /** The margin every prediction starts from (base_score in margin space). */
  readonly baseMargin: number;
}

export interface ConvertOptions {
  /** Shown in messages. */
  readonly file: string;
  readonly featureNames?: readonly string[] | undefined;
  readonly producerVersion: string;
}

/** base_score is saved in the objective's output space; the trees add to its margin. */
function baseMargin(task: ImportedTask, baseScore: number, file: string): number {
  if (task !== 'binary') return baseScore;
  if (!(baseScore > 0 && baseScore < 1)) throw importUnsupported({ file, what: `base_score ${baseScore} is not a probability, as binary:logistic needs`, supported: SUPPORTED_BOOSTERS });
  return Math.log(baseScore / (1 - baseScore));
}

function boosterTrees(model: XgboostModel, file: string): { trees: XgboostTree[]; treeInfo: number[]; weights: number[] | undefined } {
  const booster = model.learner.gradient_booster;
  if (booster.name === 'gbtree' && booster.model) return { trees: booster.model.trees, treeInfo: booster.model.tree_info, weights: undefined };
  if (booster.name === 'dart' && booster.gbtree) return { trees: booster.gbtree.model.trees, treeInfo: booster.gbtree.model.tree_info, weights: booster.weight_drop };
  throw importUnsupported({ file, what: `the booster is ${booster.name}`, supported: SUPPORTED_BOOSTERS });
}

export function convertXgboost(model: XgboostModel, options: ConvertOptions): ImportedXgboost {
  const { file } = options;
  const objective = model.learner.objective.name;
  const task = OBJECTIVES[objective];
  if (!task) throw importUnsupported({ file, what: `its objective ${objective} is not supported`, supported: SUPPORTED_BOOSTERS });
  const params = model.learner.learner_model_param;
  const featureCount = params.num_feature;
  // A booster trained on a bare array saves `feature_names: []`: no names, as when the key is absent.
  const saved = model.learner.feature_names?.length ? model.learner.feature_names : undefined;
  const featureNames = options.featureNames ?? saved ?? Array.from({ length: featureCount }, (_, index) => `f${index}`);
  if (featureNames.length !== featureCount) throw importFeatureNames({ file, given: featureNames.length, expected: featureCount });
  const outputs = task === 'multiclass' ? params.num_class : 1;
  if (task === 'multiclass' && outputs < 2) throw importUnsupported({ file, what: `${objective} with num_class ${params.num_class}`, supported: SUPPORTED_BOOSTERS });
  const { trees, treeInfo, weights } = boosterTrees(model, file);
  if (treeInfo.length !== trees.length) throw importUnsupported({ file, what: `tree_info names ${treeInfo.length} trees but the model has ${trees.length}`, supported: SUPPORTED_BOOSTERS });
  const margin = baseMargin(task, params.base_score, file);

  const builder = new OnnxGraphBuilder();
  const inputs = featureNames.map((name) => builder.input(name, 'float' as ElementType, ['N', 1]));
  const [joined] = inputs.length === 1 ? inputs : builder.node('Concat', inputs, { attributes: { axis: { i: 1 } } });
  const ensemble = treeEnsemble(trees, treeInfo, weights, { file, featureCount, outputs });
  const [raw] = builder.node('TreeEnsembleRegressor', [joined!], {
    domain: 'ai.onnx.ml',
    attributes: {
      n_targets: { i: outputs },
      aggregate_function: { s: 'SUM' },
      post_transform: { s: 'NONE' },
      base_values: { floats: Array.from({ length: outputs }, () => margin) },
      ...ensemble,
    },
  });
  let classes: string[] | undefined;
  if (task === 'regression') {
    builder.node('Identity', [raw!], { outputs: ['predictions'] });
    builder.output('predictions', 'float', ['N', 1]);
  } else if (task === 'binary') {
    classes = ['0', '1'];
    const [positive] = builder.node('Sigmoid', [raw!]);
    const one = builder.constant('one', { dims: [1], floats: [1] });
    const [negative] = builder.node('Sub', [one, positive!]);
    builder.node('Concat', [negative!, positive!], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
    builder.output('probabilities', 'float', ['N', 2]);
  } else {
    classes = Array.from({ length: outputs }, (_, index) => String(index));
    builder.node('Softmax', [raw!], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
    builder.output('probabilities', 'float', ['N', outputs]);
  }
  const xgboostVersion = model.version?.join('.');
  const metadata: Record<string, string> = {
    algorithm: 'xgboost',
    task,
    feature_columns: JSON.stringify(featureNames),
    params: JSON.stringify({ objective, trees: trees.length, base_score: params.base_score, ...(xgboostVersion ? { xgboost_version: xgboostVersion } : {}) }),
    'sluice.tree_covers': JSON.stringify(trees.map((tree) => tree.sum_hessian)),
    ...(classes ? { classes: JSON.stringify(classes), positive_class: classes[classes.length - 1]! } : {}),
  };
  const bytes = builder.build({ producerVersion: options.producerVersion, metadata, docString: `Imported from XGBoost${xgboostVersion ? ` ${xgboostVersion}` : ''} (${objective}, ${trees.length} trees) by sluice models import xgboost.` });
  return { bytes, task, objective, featureNames, trees: trees.length, classes, baseMargin: margin };
}

type EnsembleAttributes = Record<string, { ints: number[] } | { floats: number[] } | { strings: string[] }>;

/** The TreeEnsembleRegressor attributes of every tree: nodes by their XGBoost ids, leaves as targets. */
/**
 * Every branch's two children are other nodes of its tree, each the child of one branch only
 * (not the root): the nodes reachable from the root form a tree, as onnxruntime's walk assumes.
 */
function checkTreeShape(tree: XgboostTree, t: number, file: string): void {
  const count = tree.left_children.length;
  const parentOf = new Int32Array(count).fill(-1);
  for (let id = 0; id < count; id++) {
    if (tree.left_children[id] === -1) continue;
    for (const child of [tree.left_children[id]!, tree.right_children[id]!]) {
      const problem =
        child <= 0 || child >= count ? `has child ${child}, not a node of its ${count}` : child === id ? 'is its own child' : parentOf[child] !== -1 ? `shares child ${child} with node ${parentOf[child]}` : undefined;
      if (problem !== undefined) throw importUnsupported({ file, what: `tree ${t} node ${id} ${problem} (a damaged model file?)`, supported: SUPPORTED_BOOSTERS });
      parentOf[child] = id;
    }
  }
}

function treeEnsemble(trees: readonly XgboostTree[], treeInfo: readonly number[], weights: readonly number[] | undefined, shape: { file: string; featureCount: number; outputs: number }): EnsembleAttributes {
  const nodes = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], modes: [] as string[], values: [] as number[], trueIds: [] as number[], falseIds: [] as number[], missingTrue: [] as number[] };
  const targets = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    const count = tree.left_children.length;
    for (const [field, list] of Object.entries({ right_children: tree.right_children, split_indices: tree.split_indices, split_conditions: tree.split_conditions, default_left: tree.default_left, sum_hessian: tree.sum_hessian })) {
      if (list.length !== count) throw importUnsupported({ file: shape.file, what: `tree ${t} has ${count} left_children but ${list.length} ${field}`, supported: SUPPORTED_BOOSTERS });
    }
    checkTreeShape(tree, t, shape.file);
    const target = treeInfo[t]!;
    if (target < 0 || target >= shape.outputs) throw importUnsupported({ file: shape.file, what: `tree ${t} is for output ${target} of ${shape.outputs}`, supported: SUPPORTED_BOOSTERS });
    const scale = weights?.[t] ?? 1;
    for (let id = 0; id < count; id++) {
      const left = tree.left_children[id]!;
      const isLeaf = left === -1;
      if (!isLeaf && tree.split_type?.[id] === 1) {
        throw importUnsupported({ file: shape.file, what: `tree ${t} splits feature ${tree.split_indices[id]} by category (categorical splits need ONNX's BRANCH_MEMBER, which onnxruntime's ai.onnx.ml opset 3 lacks)`, supported: SUPPORTED_BOOSTERS });
      }
      const feature = tree.split_indices[id]!;
      if (!isLeaf && (feature < 0 || feature >= shape.featureCount)) throw importUnsupported({ file: shape.file, what: `tree ${t} node ${id} splits on feature ${feature} of ${shape.featureCount}`, supported: SUPPORTED_BOOSTERS });
      nodes.treeIds.push(t);
      nodes.nodeIds.push(id);
      nodes.featureIds.push(isLeaf ? 0 : feature);
      nodes.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LT');
      nodes.values.push(isLeaf ? 0 : tree.split_conditions[id]!);
      nodes.trueIds.push(isLeaf ? 0 : left);
      nodes.falseIds.push(isLeaf ? 0 : tree.right_children[id]!);
      nodes.missingTrue.push(!isLeaf && tree.default_left[id] ? 1 : 0);
      if (isLeaf) {
        targets.treeIds.push(t);
        targets.nodeIds.push(id);
        targets.ids.push(target);
        targets.weights.push(tree.split_conditions[id]! * scale);
      }
    }
  });
  return {
    nodes_treeids: { ints: nodes.treeIds },
    nodes_nodeids: { ints: nodes.nodeIds },
    nodes_featureids: { ints: nodes.featureIds },
    nodes_modes: { strings: nodes.modes },
    nodes_values: { floats: nodes.values },
    nodes_truenodeids: { ints: nodes.trueIds },
    nodes_falsenodeids: { ints: nodes.falseIds },
    nodes_missing_value_tracks_true: { ints: nodes.missingTrue },
    target_treeids: { ints: targets.treeIds },
    target_nodeids: { ints: targets.nodeIds },
    target_ids: { ints: targets.ids },
    target_weights: { floats: targets.weights },
  };
}

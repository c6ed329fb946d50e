/**
 * Writing a trained model as ONNX with standard operators: the feature preparation
 * (Imputer, Scaler, OneHotEncoder), then MatMul + Add for linear models or ai.onnx.ml
 * TreeEnsembleRegressor for boosted trees, then Sigmoid or Softmax for class probabilities.
 * Outputs: `probabilities` [N, classes] for classifiers, `predictions` [N, 1] for regressors.
 */
import { addFeatureGraph, type FeatureSpec } from './features.js';
import type { GbdtModel } from './gbdt/gbdt.js';
import type { LinearModel } from './linear.js';
import { OnnxGraphBuilder } from './onnx/graph-builder.js';

export type TrainingTask = 'binary' | 'multiclass' | 'regression';

export type TrainedModel = { readonly kind: 'linear'; readonly model: LinearModel } | { readonly kind: 'gbdt'; readonly model: GbdtModel };

export interface ExportOptions {
  readonly task: TrainingTask;
  readonly metadata: Record<string, string>;
  readonly producerVersion: string;
}

export function exportOnnx(spec: FeatureSpec, trained: TrainedModel, options: ExportOptions): Uint8Array {
  const builder = new OnnxGraphBuilder();
  const features = addFeatureGraph(builder, spec);
  const raw = trained.kind === 'linear' ? linearScores(builder, features, spec.names.length, trained.model) : treeScores(builder, features, trained.model);
  if (options.task === 'regression') {
    builder.node('Identity', [raw], { outputs: ['predictions'] });
    builder.output('predictions', 'float', ['N', 1]);
  } else if (options.task === 'binary') {
    const [positive] = builder.node('Sigmoid', [raw]);
    const one = builder.constant('one', { dims: [1], floats: [1] });
    const [negative] = builder.node('Sub', [one, positive!]);
    builder.node('Concat', [negative!, positive!], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
    builder.output('probabilities', 'float', ['N', 2]);
  } else {
    builder.node('Softmax', [raw], { outputs: ['probabilities'], attributes: { axis: { i: 1 } } });
    builder.output('probabilities', 'float', ['N', trained.model.outputs]);
  }
  // Boosted trees keep each node's cover (hessian sum) for TreeSHAP: per tree, indexed by node id.
  const metadata = trained.kind === 'gbdt' ? { ...options.metadata, 'sluice.tree_covers': JSON.stringify(trained.model.trees.map((tree) => tree.nodes.map((node) => node.cover))) } : options.metadata;
  return builder.build({ producerVersion: options.producerVersion, metadata });
}

function linearScores(builder: OnnxGraphBuilder, features: string, width: number, model: LinearModel): string {
  const weights = builder.constant('weights', { dims: [width, model.outputs], floats: [...model.weights] });
  const intercepts = builder.constant('intercepts', { dims: [model.outputs], floats: [...model.intercepts] });
  const [product] = builder.node('MatMul', [features, weights]);
  return builder.node('Add', [product!, intercepts])[0]!;
}

function treeScores(builder: OnnxGraphBuilder, features: string, model: GbdtModel): string {
  const nodes = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], modes: [] as string[], values: [] as number[], trueIds: [] as number[], falseIds: [] as number[] };
  const targets = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
  model.trees.forEach((tree, t) => {
    tree.nodes.forEach((node, id) => {
      const isLeaf = node.feature < 0;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(id);
      nodes.featureIds.push(isLeaf ? 0 : node.feature);
      nodes.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.values.push(isLeaf ? 0 : node.threshold);
      nodes.trueIds.push(isLeaf ? 0 : node.left);
      nodes.falseIds.push(isLeaf ? 0 : node.right);
      if (isLeaf) {
        targets.treeIds.push(t);
        targets.nodeIds.push(id);
        targets.ids.push(t % model.outputs);
        targets.weights.push(node.value);
      }
    });
  });
  return builder.node('TreeEnsembleRegressor', [features], {
    domain: 'ai.onnx.ml',
    attributes: {
      n_targets: { i: model.outputs },
      aggregate_function: { s: 'SUM' },
      post_transform: { s: 'NONE' },
      base_values: { floats: [...model.baseScores] },
      nodes_treeids: { ints: nodes.treeIds },
      nodes_nodeids: { ints: nodes.nodeIds },
      nodes_featureids: { ints: nodes.featureIds },
      nodes_modes: { strings: nodes.modes },
      nodes_values: { floats: nodes.values },
      nodes_truenodeids: { ints: nodes.trueIds },
      nodes_falsenodeids: { ints: nodes.falseIds },
      nodes_missing_value_tracks_true: { ints: nodes.treeIds.map(() => 0) },
      target_treeids: { ints: targets.treeIds },
      target_nodeids: { ints: targets.nodeIds },
      target_ids: { ints: targets.ids },
      target_weights: { floats: targets.weights },
    },
  })[0]!;
}

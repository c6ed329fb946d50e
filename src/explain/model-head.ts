/**
 * What an exact explainer reads in a model's graph: a tree ensemble (TreeEnsembleRegressor or
 * TreeEnsembleClassifier, ai.onnx.ml) or a linear layer (MatMul or Gemm by a constant, plus a
 * constant bias) whose output reaches the graph's outputs through output transforms only
 * (Sigmoid, Softmax, Sub from a constant, Concat, Identity, ZipMap). Explanations are in the
 * space just before those transforms: the margin (log-odds) of classifiers, the value of
 * regressors.
 */
import { metadataList, readTreeTables, type GraphNode, type OnnxGraph, type OnnxModel } from '../inference/index.js';
import { maxTreeDepth, type ExplainableTrees } from './tree-shap.js';

/** Operators that turn margins into what the model outputs, without mixing features. */
const OUTPUT_TRANSFORMS = new Set(['Sigmoid', 'Softmax', 'Sub', 'Concat', 'Identity', 'ZipMap', 'Cast', 'ArgMax', 'Reshape']);

export interface TreeHead {
  readonly kind: 'tree';
  /** The tensor the trees read. */
  readonly input: string;
  readonly trees: ExplainableTrees;
  /** Where the covers came from. */
  readonly coverSource: 'model' | 'background';
  readonly outputs: readonly string[];
  /** Sets covers from rows passed down the trees, for models that carry none. */
  readonly node: GraphNode;
}

export interface LinearHead {
  readonly kind: 'linear';
  readonly input: string;
  /** width × outputs, row-major. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly outputs: readonly string[];
}

export type ModelHead = TreeHead | LinearHead;

function consumers(graph: OnnxGraph): Map<string, GraphNode[]> {
  const byInput = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) for (const input of node.inputs) byInput.set(input, [...(byInput.get(input) ?? []), node]);
  return byInput;
}

/** Whether everything downstream of `tensor` is an output transform. */
function onlyTransformsAfter(graph: OnnxGraph, tensor: string): boolean {
  const byInput = consumers(graph);
  const seen = new Set<string>();
  const stack = [tensor];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const node of byInput.get(name) ?? []) {
      if (!OUTPUT_TRANSFORMS.has(node.opType)) return false;
      stack.push(...node.outputs);
    }
  }
  return true;
}

/** Names for the explained score columns: class labels for classifiers, `prediction` for a regressor. */
function outputNames(model: OnnxModel, width: number, afterwards: 'sigmoid' | 'softmax' | 'none'): string[] {
  const classes = metadataList(model.metadata, 'classes');
  if (afterwards === 'sigmoid' && width === 1) return [classes?.at(-1) ?? '1'];
  if (width === 1) return ['prediction'];
  return classes && classes.length === width ? classes : Array.from({ length: width }, (_, k) => String(k));
}

function transformAfter(graph: OnnxGraph, tensor: string): 'sigmoid' | 'softmax' | 'none' {
  const next = consumers(graph).get(tensor) ?? [];
  if (next.some((node) => node.opType === 'Sigmoid')) return 'sigmoid';
  if (next.some((node) => node.opType === 'Softmax')) return 'softmax';
  return 'none';
}

export function findTreeHead(model: OnnxModel, graph: OnnxGraph): TreeHead | undefined {
  const nodes = graph.nodes.filter((node) => node.opType === 'TreeEnsembleRegressor' || node.opType === 'TreeEnsembleClassifier');
  if (nodes.length !== 1) return undefined;
  const node = nodes[0]!;
  if (!onlyTransformsAfter(graph, node.outputs[node.opType === 'TreeEnsembleClassifier' ? 1 : 0] ?? node.outputs[0]!)) return undefined;
  const classifier = node.opType === 'TreeEnsembleClassifier';
  const width = classifier ? (node.attributes.ints('classlabels_int64s') ?? node.attributes.strings('classlabels_strings') ?? []).length : node.attributes.int('n_targets', 1);
  const tables = readTreeTables(node.attributes, classifier ? 'class' : 'target', width);
  const base = Float64Array.from({ length: width }, (_, k) => node.attributes.floats('base_values')?.[k] ?? 0);
  const treeIds = node.attributes.ints('nodes_treeids')!;
  const nodeIds = node.attributes.ints('nodes_nodeids')!;
  const covers = new Float64Array(treeIds.length);
  const stored = model.metadata['sluice.tree_covers'];
  let coverSource: TreeHead['coverSource'] = 'background';
  if (stored) {
    const perTree = JSON.parse(stored) as number[][];
    treeIds.forEach((tree, k) => (covers[k] = perTree[tree]?.[nodeIds[k]!] ?? Number.NaN));
    if (!covers.some((cover) => Number.isNaN(cover))) coverSource = 'model';
  }
  const classLabels = classifier ? (node.attributes.ints('classlabels_int64s')?.map(String) ?? node.attributes.strings('classlabels_strings')) : undefined;
  const outputs = classifier ? classLabels! : outputNames(model, width, transformAfter(graph, node.outputs[0]!));
  return { kind: 'tree', input: node.inputs[0]!, trees: { tables, covers, base, maxDepth: maxTreeDepth(tables) }, coverSource, outputs, node };
}

export function findLinearHead(model: OnnxModel, graph: OnnxGraph): LinearHead | undefined {
  const layers = graph.nodes.filter((node) => (node.opType === 'MatMul' || node.opType === 'Gemm') && graph.constants.has(node.inputs[1]!));
  if (layers.length !== 1) return undefined;
  const layer = layers[0]!;
  const matrix = graph.constants.get(layer.inputs[1]!)!;
  if (matrix.dims.length !== 2) return undefined;
  const transposed = layer.opType === 'Gemm' && layer.attributes.int('transB', 0) === 1;
  const alpha = layer.opType === 'Gemm' ? layer.attributes.float('alpha', 1) : 1;
  const [rows, columns] = transposed ? [matrix.dims[1]!, matrix.dims[0]!] : [matrix.dims[0]!, matrix.dims[1]!];
  const data = matrix.data as ArrayLike<number>;
  const weights = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let k = 0; k < columns; k++) weights[i * columns + k] = alpha * Number(transposed ? data[k * rows + i] : data[i * columns + k]);
  const bias = new Float64Array(columns);
  let margin = layer.outputs[0]!;
  const addBias = (values: ArrayLike<number>, scale: number) => {
    for (let k = 0; k < columns; k++) bias[k]! += scale * Number(values.length === 1 ? values[0] : values[k]);
  };
  if (layer.opType === 'Gemm' && layer.inputs[2]) {
    const c = graph.constants.get(layer.inputs[2]);
    if (!c) return undefined;
    addBias(c.data as ArrayLike<number>, layer.attributes.float('beta', 1));
  }
  const next = consumers(graph).get(margin) ?? [];
  if (next.length === 1 && next[0]!.opType === 'Add') {
    const other = next[0]!.inputs.find((input) => input !== margin)!;
    const c = graph.constants.get(other);
    if (!c) return undefined;
    addBias(c.data as ArrayLike<number>, 1);
    margin = next[0]!.outputs[0]!;
  }
  if (!onlyTransformsAfter(graph, margin)) return undefined;
  return { kind: 'linear', input: layer.inputs[0]!, weights, bias, outputs: outputNames(model, columns, transformAfter(graph, margin)) };
}

/**
 * The part of a model's graph that prepares features, evaluated in float64 for explanations:
 * from the table's columns to the tensor a linear layer or a tree ensemble reads, with, for each
 * of that tensor's columns, the original column it came from (its origin). Explanations are
 * computed on that tensor and summed back by origin, so the imputation, scaling and one-hot
 * encoding Sluice's trainer puts in the graph are attributed to the columns a user knows.
 *
 * Hand-written because no library evaluates ONNX in float64 with provenance; it covers the
 * operators feature preparation uses (Concat, Gather of columns, Imputer, Scaler, Sub/Add/Mul/Div
 * by constants, Cast, Identity, Reshape, Flatten, OneHotEncoder) and says which operator it met otherwise.
 */
import { findColumn, type Table } from '../data/index.js';
import { numericValues, planFeatures, textValues, type Constant, type GraphNode, type OnnxGraph, type OnnxModel } from '../inference/index.js';
import { unexplainableGraph } from './errors.js';
import { numeric, mapValues, type FeatureMatrix } from './feature-matrix.js';
import { OPERATORS, type OperatorContext } from './feature-operators.js';

export type { FeatureMatrix } from './feature-matrix.js';

/** The producer of each tensor name. */
function producers(graph: OnnxGraph): Map<string, GraphNode> {
  const byOutput = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const output of node.outputs) byOutput.set(output, node);
  return byOutput;
}

/** The graph's feeds as matrices, from the table (through the same column mapping as prediction). */
function feeds(model: OnnxModel, table: Table, exclude: readonly string[], modelName: string): Map<string, FeatureMatrix> {
  const plan = planFeatures(model, table, { exclude, modelName });
  const result = new Map<string, FeatureMatrix>();
  const rows = table.rowCount;
  if (plan.kind === 'matrix') {
    const width = plan.columns.length;
    const values = new Float64Array(rows * width);
    plan.columns.forEach((name, j) => {
      const column = numericValues(findColumn(table, name)!);
      for (let i = 0; i < rows; i++) values[i * width + j] = column[i]!;
    });
    result.set(plan.input.name, { rows, width, values, text: undefined, origins: plan.columns });
    return result;
  }
  for (const { input, column } of plan.inputs) {
    const source = findColumn(table, column)!;
    if (input.type === 'string') result.set(input.name, { rows, width: 1, values: undefined, text: textValues(source, rows), origins: [column] });
    else result.set(input.name, { rows, width: 1, values: Float64Array.from(numericValues(source)), text: undefined, origins: [column] });
  }
  return result;
}

export function constantValues(constant: Constant): Float64Array {
  return Float64Array.from(constant.data as ArrayLike<number>, Number);
}

/** Evaluates `target` over the table's rows. */
export function evaluateFeatures(model: OnnxModel, graph: OnnxGraph, target: string, table: Table, options: { exclude: readonly string[]; modelName: string; precision?: 'float64' | 'float32' }): FeatureMatrix {
  const byOutput = producers(graph);
  const known = feeds(model, table, options.exclude, options.modelName);
  // float32: every value rounded as onnxruntime computes it (inputs cast, each operation rounded),
  // so tree decisions on the result are exactly onnxruntime's.
  const round = options.precision === 'float32' ? Math.fround : (value: number) => value;
  if (options.precision === 'float32') for (const matrix of known.values()) if (matrix.values) matrix.values.forEach((value, k, values) => (values[k] = Math.fround(value)));
  const visiting = new Set<string>();
  const evaluate = (name: string): FeatureMatrix => {
    const found = known.get(name);
    if (found) return found;
    const constant = graph.constants.get(name);
    if (constant) throw unexplainableGraph({ model: options.modelName, reason: `the features are computed from the constant ${name} alone` });
    const node = byOutput.get(name);
    if (!node || visiting.has(name)) throw unexplainableGraph({ model: options.modelName, reason: `${name} is neither an input nor computed by a node` });
    visiting.add(name);
    const value = apply(node, name);
    known.set(name, value);
    return value;
  };
  const context: OperatorContext = {
    graph,
    model: options.modelName,
    evaluate,
    operand: (name) => {
      const constant = graph.constants.get(name);
      return constant ? { constant: constantValues(constant) } : { matrix: evaluate(name) };
    },
    round,
    map: (input, fn) => mapValues(input, (value, column) => round(fn(value, column))),
  };
  const apply = (node: GraphNode, output: string): FeatureMatrix => {
    const operator = OPERATORS[node.opType];
    if (!operator) throw unexplainableGraph({ model: options.modelName, reason: `${node.opType} (computing ${output}) before the model's linear layer or trees is not an operator explanations read` });
    return operator(node, context);
  };
  return numeric(evaluate(target), undefined, options.modelName);
}

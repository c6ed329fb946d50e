/**
 * The part of a model's graph that prepares features, evaluated in float64 for explanations:
 * from the table's columns to the tensor a linear layer or a tree ensemble reads, with, for each
 * of that tensor's columns, the original column it came from (its origin). Explanations are
 * computed on that tensor and summed back by origin, so the imputation, scaling and one-hot
 * encoding Sluice's trainer puts in the graph are attributed to the columns a user knows.
 *
 * Hand-written because no library evaluates ONNX in float64 with provenance; it covers the
 * operators feature preparation uses (Concat, Imputer, Scaler, Sub/Add/Mul/Div by constants,
 * Cast, Identity, Reshape, Flatten, OneHotEncoder) and says which operator it met otherwise.
 */
import { findColumn, type Table } from '../data/index.js';
import { numericValues, planFeatures, textValues, type Constant, type GraphNode, type OnnxGraph, type OnnxModel } from '../inference/index.js';
import { unexplainableGraph } from './errors.js';

/** An N × width matrix in float64 (row-major), or strings for text inputs, with each column's origin. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly width: number;
  readonly values: Float64Array | undefined;
  readonly text: readonly string[] | undefined;
  /** The original column of each of the `width` columns. */
  readonly origins: readonly string[];
}

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

function constantValues(constant: Constant): Float64Array {
  return Float64Array.from(constant.data as ArrayLike<number>, Number);
}

/** Evaluates `target` over the table's rows. */
export function evaluateFeatures(model: OnnxModel, graph: OnnxGraph, target: string, table: Table, options: { exclude: readonly string[]; modelName: string }): FeatureMatrix {
  const byOutput = producers(graph);
  const known = feeds(model, table, options.exclude, options.modelName);
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
  const operand = (name: string): { matrix?: FeatureMatrix; constant?: Float64Array } => {
    const constant = graph.constants.get(name);
    return constant ? { constant: constantValues(constant) } : { matrix: evaluate(name) };
  };
  const apply = (node: GraphNode, output: string): FeatureMatrix => {
    switch (node.opType) {
      case 'Identity':
      case 'Cast':
      case 'Flatten':
        return numeric(evaluate(node.inputs[0]!), node, options.modelName);
      case 'Reshape': {
        const input = evaluate(node.inputs[0]!);
        const shape = graph.constants.get(node.inputs[1]!);
        const dims = shape ? Array.from(shape.data as ArrayLike<number>, Number) : [];
        if (dims.length === 2 && (dims[1] === input.width || (dims[0] === -1 && dims[1] === input.width))) return input;
        throw unexplainableGraph({ model: options.modelName, reason: `Reshape to [${dims.join(', ')}] of a ${input.width}-column tensor` });
      }
      case 'Concat': {
        const parts = node.inputs.map((input) => numeric(evaluate(input), node, options.modelName));
        const width = parts.reduce((sum, part) => sum + part.width, 0);
        const rows = parts[0]!.rows;
        const values = new Float64Array(rows * width);
        let offset = 0;
        for (const part of parts) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < part.width; j++) values[i * width + offset + j] = part.values![i * part.width + j]!;
          offset += part.width;
        }
        return { rows, width, values, text: undefined, origins: parts.flatMap((part) => part.origins) };
      }
      case 'Imputer': {
        const input = numeric(evaluate(node.inputs[0]!), node, options.modelName);
        const fill = node.attributes.floats('imputed_value_floats') ?? [];
        const replaced = node.attributes.has('replaced_value_float') ? node.attributes.float('replaced_value_float') : Number.NaN;
        return map(input, (value, j) => ((Number.isNaN(replaced) ? Number.isNaN(value) : value === replaced) ? Math.fround(fill.length === 1 ? fill[0]! : fill[j]!) : value));
      }
      case 'Scaler': {
        const input = numeric(evaluate(node.inputs[0]!), node, options.modelName);
        const offset = node.attributes.floats('offset') ?? [0];
        const scale = node.attributes.floats('scale') ?? [1];
        return map(input, (value, j) => (value - Math.fround(offset.length === 1 ? offset[0]! : offset[j]!)) * Math.fround(scale.length === 1 ? scale[0]! : scale[j]!));
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        const [left, right] = node.inputs.map(operand);
        const matrix = left!.matrix ?? right!.matrix;
        const constant = left!.constant ?? right!.constant;
        if (!matrix || !constant) throw unexplainableGraph({ model: options.modelName, reason: `${node.opType} of two computed tensors before the model's linear layer or trees` });
        const at = (j: number) => constant[constant.length === 1 ? 0 : j]!;
        const constantFirst = left!.constant !== undefined;
        const op = node.opType;
        return map(numeric(matrix, node, options.modelName), (value, j) => {
          const [a, b] = constantFirst ? [at(j), value] : [value, at(j)];
          return op === 'Add' ? a + b : op === 'Sub' ? a - b : op === 'Mul' ? a * b : a / b;
        });
      }
      case 'OneHotEncoder': {
        const input = evaluate(node.inputs[0]!);
        const categories = node.attributes.strings('cats_strings') ?? (node.attributes.ints('cats_int64s') ?? []).map(String);
        const rows = input.rows;
        const width = categories.length;
        const values = new Float64Array(rows * width);
        for (let i = 0; i < rows; i++) {
          const value = input.text ? input.text[i]! : String(input.values![i]);
          const k = categories.indexOf(value);
          if (k >= 0) values[i * width + k] = 1;
        }
        return { rows, width, values, text: undefined, origins: categories.map(() => input.origins[0]!) };
      }
      default:
        throw unexplainableGraph({ model: options.modelName, reason: `${node.opType} (computing ${output}) before the model's linear layer or trees is not an operator explanations read` });
    }
  };
  return numeric(evaluate(target), undefined, options.modelName);
}

function numeric(matrix: FeatureMatrix, node: GraphNode | undefined, model: string): FeatureMatrix & { values: Float64Array } {
  if (!matrix.values) throw unexplainableGraph({ model, reason: `${node ? node.opType : 'the explained tensor'} reads text directly` });
  return matrix as FeatureMatrix & { values: Float64Array };
}

function map(input: FeatureMatrix & { values: Float64Array }, fn: (value: number, column: number) => number): FeatureMatrix {
  const values = new Float64Array(input.values.length);
  for (let i = 0; i < input.rows; i++) for (let j = 0; j < input.width; j++) values[i * input.width + j] = fn(input.values[i * input.width + j]!, j);
  return { ...input, values };
}

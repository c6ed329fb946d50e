/**
 * The operators of feature preparation, evaluated in float64 with each column's origin (see
 * feature-graph.ts): one small function per operator family.
 */
import type { GraphNode, OnnxGraph } from '../inference/index.js';
import { unexplainableGraph } from './errors.js';
import { numeric, type FeatureMatrix } from './feature-matrix.js';

export interface OperatorContext {
  readonly graph: OnnxGraph;
  /** The model's name, for messages. */
  readonly model: string;
  readonly evaluate: (name: string) => FeatureMatrix;
  readonly operand: (name: string) => { matrix?: FeatureMatrix; constant?: Float64Array };
  /** Rounds an intermediate value as the evaluation's precision does (float32 or not at all). */
  readonly round: (value: number) => number;
  /** Maps every value (rounded to float32 when the evaluation is in float32). */
  readonly map: (input: FeatureMatrix & { values: Float64Array }, fn: (value: number, column: number) => number) => FeatureMatrix;
}

type Operator = (node: GraphNode, context: OperatorContext) => FeatureMatrix;

const passThrough: Operator = (node, context) => numeric(context.evaluate(node.inputs[0]!), node, context.model);

const reshape: Operator = (node, context) => {
  const input = context.evaluate(node.inputs[0]!);
  const shape = context.graph.constants.get(node.inputs[1]!);
  const dims = shape ? Array.from(shape.data as ArrayLike<number>, Number) : [];
  if (dims.length === 2 && (dims[1] === input.width || (dims[0] === -1 && dims[1] === input.width))) return input;
  throw unexplainableGraph({ model: context.model, reason: `Reshape to [${dims.join(', ')}] of a ${input.width}-column tensor` });
};

const concat: Operator = (node, context) => {
  const parts = node.inputs.map((input) => numeric(context.evaluate(input), node, context.model));
  const width = parts.reduce((sum, part) => sum + part.width, 0);
  const rows = parts[0]!.rows;
  const values = new Float64Array(rows * width);
  let offset = 0;
  for (const part of parts) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < part.width; j++) values[i * width + offset + j] = part.values[i * part.width + j]!;
    offset += part.width;
  }
  return { rows, width, values, text: undefined, origins: parts.flatMap((part) => part.origins) };
};

const gather: Operator = (node, context) => {
  const input = numeric(context.evaluate(node.inputs[0]!), node, context.model);
  const indexes = context.graph.constants.get(node.inputs[1]!);
  if (node.attributes.int('axis', 0) !== 1 || !indexes) throw unexplainableGraph({ model: context.model, reason: 'Gather other than of columns by constant indexes' });
  const picked = Array.from(indexes.data as ArrayLike<number>, (index) => (Number(index) + input.width) % input.width);
  const values = new Float64Array(input.rows * picked.length);
  for (let i = 0; i < input.rows; i++) picked.forEach((j, k) => (values[i * picked.length + k] = input.values[i * input.width + j]!));
  return { rows: input.rows, width: picked.length, values, text: undefined, origins: picked.map((j) => input.origins[j]!) };
};

const imputer: Operator = (node, context) => {
  const input = numeric(context.evaluate(node.inputs[0]!), node, context.model);
  const fill = node.attributes.floats('imputed_value_floats') ?? [];
  const replaced = node.attributes.has('replaced_value_float') ? node.attributes.float('replaced_value_float') : Number.NaN;
  return context.map(input, (value, j) => ((Number.isNaN(replaced) ? Number.isNaN(value) : value === replaced) ? Math.fround(fill.length === 1 ? fill[0]! : fill[j]!) : value));
};

const scaler: Operator = (node, context) => {
  const input = numeric(context.evaluate(node.inputs[0]!), node, context.model);
  const offset = node.attributes.floats('offset') ?? [0];
  const scale = node.attributes.floats('scale') ?? [1];
  const at = (list: readonly number[], j: number) => Math.fround(list.length === 1 ? list[0]! : list[j]!);
  return context.map(input, (value, j) => context.round(value - at(offset, j)) * at(scale, j));
};

/** Add, Sub, Mul, Div of a computed tensor and a constant (either side, broadcast per column). */
const arithmetic: Operator = (node, context) => {
  const [left, right] = node.inputs.map(context.operand);
  const matrix = left!.matrix ?? right!.matrix;
  const constant = left!.constant ?? right!.constant;
  if (!matrix || !constant) throw unexplainableGraph({ model: context.model, reason: `${node.opType} of two computed tensors before the model's linear layer or trees` });
  const at = (j: number) => constant[constant.length === 1 ? 0 : j]!;
  const constantFirst = left!.constant !== undefined;
  const op = node.opType;
  return context.map(numeric(matrix, node, context.model), (value, j) => {
    const [a, b] = constantFirst ? [at(j), value] : [value, at(j)];
    return op === 'Add' ? a + b : op === 'Sub' ? a - b : op === 'Mul' ? a * b : a / b;
  });
};

const oneHot: Operator = (node, context) => {
  const input = context.evaluate(node.inputs[0]!);
  const categories = node.attributes.strings('cats_strings') ?? (node.attributes.ints('cats_int64s') ?? []).map(String);
  const rows = input.rows;
  const width = categories.length;
  const values = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const k = categories.indexOf(input.text ? input.text[i]! : String(input.values![i]));
    if (k >= 0) values[i * width + k] = 1;
  }
  return { rows, width, values, text: undefined, origins: categories.map(() => input.origins[0]!) };
};

export const OPERATORS: Readonly<Record<string, Operator>> = {
  Identity: passThrough,
  Cast: passThrough,
  Flatten: passThrough,
  Reshape: reshape,
  Concat: concat,
  Gather: gather,
  Imputer: imputer,
  Scaler: scaler,
  Add: arithmetic,
  Sub: arithmetic,
  Mul: arithmetic,
  Div: arithmetic,
  OneHotEncoder: oneHot,
};

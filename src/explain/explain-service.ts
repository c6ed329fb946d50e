/**
 * `sluice explain`: SHAP values of a model on a table, exactly for tree ensembles and linear
 * models (read from the ONNX graph, in margin space, attributed back to the original columns
 * through the graph's feature preparation), by KernelSHAP for anything else.
 */
import { readFileSync } from 'node:fs';
import { didYouMean } from '../core/index.js';
import { columnNotFound, findColumn, readTable, selectRows, type Table } from '../data/index.js';
import { loadOnnxModel, numericValues as columnNumbers, predictTable, readOnnxGraph, type OnnxModel } from '../inference/index.js';
import { backgroundTooLarge, methodNotApplicable, missingFeatureValues } from './errors.js';
import { rankFeatures, sumByOrigin, type ExplainMethod, type Explanation } from './explanation.js';
import { evaluateFeatures } from './feature-graph.js';
import { kernelShap, seededRandom } from './kernel-shap.js';
import { findLinearHead, findTreeHead, type LinearHead, type TreeHead } from './model-head.js';
import { FastTreeShap } from './fast-tree-shap.js';
import { expectedScores } from './tree-shap.js';

export const EXPLAIN_METHODS = ['auto', 'tree', 'linear', 'kernel'] as const;
export type MethodChoice = (typeof EXPLAIN_METHODS)[number];

export interface ExplainOptions {
  readonly modelPath: string;
  readonly modelLabel: string;
  readonly dataPath: string;
  /** The label column, if the data holds one: not a feature. */
  readonly target?: string | undefined;
  /** Other columns that are not features (ids). */
  readonly exclude?: readonly string[] | undefined;
  /** `target` and every `exclude` name must be a column of the data (names a user typed); otherwise names the data lacks are ignored. */
  readonly strictColumns?: boolean | undefined;
  /** Explain the first N rows (default: all). */
  readonly rows?: number | undefined;
  /** Background rows, sampled from the data (default 100, or all rows when fewer). */
  readonly background?: number | undefined;
  readonly method?: MethodChoice | undefined;
  readonly seed?: number | undefined;
  /** KernelSHAP coalitions per row. */
  readonly samples?: number | undefined;
}

export const DEFAULT_BACKGROUND = 100;

/** A seeded sample of `count` row indexes (all rows, in order, when count ≥ rows). */
function sampleRows(rows: number, count: number, seed: number): number[] {
  if (count >= rows) return Array.from({ length: rows }, (_, i) => i);
  const random = seededRandom(seed);
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (rows - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count).sort((a, b) => a - b);
}

/**
 * Rows with a missing feature value make the linear and kernel explanations NaN (the background
 * mean, every coalition with the row): refused with where they are, as `sluice eval` refuses them.
 */
function refuseMissingValues(table: Table, rows: readonly number[], exclude: readonly string[], data: string, method: string): void {
  // Only the rows explained and the background sample: a NaN elsewhere in the file changes nothing.
  const missing = new Set<number>();
  const columns: string[] = [];
  for (const column of table.columns) {
    if (column.kind !== 'number' || exclude.includes(column.name)) continue;
    let found = false;
    for (const row of rows) {
      if (Number.isNaN(column.values[row]!)) {
        missing.add(row);
        found = true;
      }
    }
    if (found) columns.push(column.name);
  }
  if (missing.size === 0) return;
  let first = Infinity;
  for (const row of missing) first = Math.min(first, row);
  throw missingFeatureValues({ data, count: missing.size, row: first + 1, columns: columns.slice(0, 5).join(', ') + (columns.length > 5 ? ` and ${columns.length - 5} more` : ''), method });
}

export async function explainModel(options: ExplainOptions): Promise<Explanation> {
  const table = await readTable(options.dataPath);
  // A misspelt name would otherwise be explained as a feature, or silently ignored.
  const names = table.columns.map((column) => column.name);
  const named: [string, string][] = [...(options.target === undefined ? [] : [[options.target, 'target'] as [string, string]]), ...(options.exclude ?? []).map((name): [string, string] => [name, 'excluded'])];
  if (options.strictColumns) for (const [column, role] of named) if (!names.includes(column)) throw columnNotFound({ column, role, path: options.dataPath, suggestion: didYouMean(column, names) });
  const exclude = named.map(([column]) => column);
  const seed = options.seed ?? 42;
  if (options.background !== undefined && options.background > table.rowCount) throw backgroundTooLarge({ background: options.background, rows: table.rowCount, data: options.dataPath });
  const rowIndexes = Array.from({ length: Math.min(options.rows ?? table.rowCount, table.rowCount) }, (_, i) => i);
  const explained = selectRows(table, rowIndexes);
  const backgroundRows = sampleRows(table.rowCount, options.background ?? DEFAULT_BACKGROUND, seed);
  const background = selectRows(table, backgroundRows);
  const model = await loadOnnxModel(options.modelPath);
  try {
    const graph = readOnnxGraph(readFileSync(options.modelPath));
    const method = options.method ?? 'auto';
    const tree = method === 'auto' || method === 'tree' ? findTreeHead(model, graph) : undefined;
    const linear = !tree && (method === 'auto' || method === 'linear') ? findLinearHead(model, graph) : undefined;
    if (method === 'tree' && !tree) throw methodNotApplicable({ model: options.modelLabel, method, found: 'its graph has no single tree ensemble (TreeEnsembleRegressor or TreeEnsembleClassifier) feeding its outputs' });
    if (method === 'linear' && !linear) throw methodNotApplicable({ model: options.modelLabel, method, found: 'its graph has no single linear layer (MatMul or Gemm by constant weights) followed only by Sigmoid or Softmax' });
    const context = { model, graph, explained, background, exclude, label: options.modelLabel, rowIndexes };
    if (tree) return await treeExplanation(tree, context);
    refuseMissingValues(table, [...new Set([...rowIndexes, ...backgroundRows])], exclude, options.dataPath, linear ? 'linear' : 'kernel');
    if (linear) return linearExplanation(linear, context);
    return await kernelExplanation(context, { seed, samples: options.samples });
  } finally {
    await model.release();
  }
}

interface Context {
  readonly model: OnnxModel;
  readonly graph: ReturnType<typeof readOnnxGraph>;
  readonly explained: Table;
  readonly background: Table;
  readonly exclude: readonly string[];
  readonly label: string;
  readonly rowIndexes: readonly number[];
}

/** The explained rows' values of the original columns, for plots. */
function featureValues(table: Table, features: readonly string[]): Float64Array {
  const values = new Float64Array(table.rowCount * features.length);
  features.forEach((name, j) => {
    const column = findColumn(table, name);
    const numbers = column ? columnNumbers(column) : undefined;
    for (let i = 0; i < table.rowCount; i++) values[i * features.length + j] = numbers ? numbers[i]! : Number.NaN;
  });
  return values;
}

function finish(method: ExplainMethod, space: Explanation['space'], outputs: readonly string[], features: string[], values: Float64Array, expected: Float64Array, context: Context, notes: string[]): Explanation {
  const rows = context.explained.rowCount;
  const scores = new Float64Array(rows * outputs.length);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < outputs.length; k++) {
      let sum = expected[k]!;
      for (let j = 0; j < features.length; j++) sum += values[(i * features.length + j) * outputs.length + k]!;
      scores[i * outputs.length + k] = sum;
    }
  }
  return { method, space, outputs, features, rows, expected, values, scores, ranking: rankFeatures(features, outputs.length, rows, values), rowIndexes: context.rowIndexes, featureValues: featureValues(context.explained, features), notes };
}

async function treeExplanation(head: TreeHead, context: Context): Promise<Explanation> {
  const options = { exclude: context.exclude, modelName: context.label, precision: 'float32' as const };
  const inputs = evaluateFeatures(context.model, context.graph, head.input, context.explained, options);
  const x = Float64Array.from(inputs.values!, (value) => Math.fround(value));
  const { tables } = head.trees;
  if (head.coverSource === 'background') countCovers(head, Float64Array.from(evaluateFeatures(context.model, context.graph, head.input, context.background, options).values!, (value) => Math.fround(value)), context.background.rowCount);
  const width = tables.width;
  const phi = await new FastTreeShap(head.trees).explainRows(x, inputs.rows, inputs.width, inputs.width * width);
  const { features, values } = sumByOrigin(phi, inputs.rows, inputs.origins, width);
  const notes = [`${tables.roots.length} trees; covers ${head.coverSource === 'model' ? 'stored in the model' : `counted from ${context.background.rowCount} background rows (the model stores none)`}`];
  return finish('tree', 'margin', head.outputs, features, values, expectedScores(head.trees), context, notes);
}

/** Covers for trees that carry none: how many background rows reach each node. */
function countCovers(head: TreeHead, x: Float64Array, rows: number): void {
  const { tables, covers } = head.trees;
  covers.fill(0);
  const width = x.length / Math.max(rows, 1);
  for (let r = 0; r < rows; r++) {
    for (const root of tables.roots) {
      let node = root;
      for (;;) {
        covers[node]! += 1;
        const f = tables.feature[node]!;
        if (f < 0) break;
        const value = x[r * width + f]!;
        const t = tables.threshold[node]!;
        const mode = tables.mode[node];
        const result = mode === 0 ? value <= t : mode === 1 ? value < t : mode === 2 ? value >= t : mode === 3 ? value > t : mode === 4 ? value === t : value !== t;
        node = result || (tables.missingTrue[node] === 1 && value !== value) ? tables.trueNode[node]! : tables.falseNode[node]!;
      }
    }
  }
}

function linearExplanation(head: LinearHead, context: Context): Explanation {
  const options = { exclude: context.exclude, modelName: context.label };
  const inputs = evaluateFeatures(context.model, context.graph, head.input, context.explained, options);
  const reference = evaluateFeatures(context.model, context.graph, head.input, context.background, options);
  const width = inputs.width;
  const outputs = head.bias.length;
  const mean = new Float64Array(width);
  for (let r = 0; r < reference.rows; r++) for (let j = 0; j < width; j++) mean[j]! += reference.values![r * width + j]! / reference.rows;
  const phi = new Float64Array(inputs.rows * width * outputs);
  for (let i = 0; i < inputs.rows; i++) {
    for (let j = 0; j < width; j++) {
      const centred = inputs.values![i * width + j]! - mean[j]!;
      for (let k = 0; k < outputs; k++) phi[(i * width + j) * outputs + k] = head.weights[j * outputs + k]! * centred;
    }
  }
  const expected = Float64Array.from(head.bias);
  for (let j = 0; j < width; j++) for (let k = 0; k < outputs; k++) expected[k]! += head.weights[j * outputs + k]! * mean[j]!;
  const { features, values } = sumByOrigin(phi, inputs.rows, inputs.origins, outputs);
  return finish('linear', 'margin', head.outputs, features, values, expected, context, [`interventional, against the mean of ${context.background.rowCount} background rows`]);
}

async function kernelExplanation(context: Context, options: { seed: number; samples?: number | undefined }): Promise<Explanation> {
  const excluded = new Set(context.exclude);
  const features = context.explained.columns.map((column) => column.name).filter((name) => !excluded.has(name));
  let outputs: readonly string[] = [];
  const score = async (table: Table): Promise<Float64Array> => {
    const { predictions } = await predictTable(context.model, table, { exclude: context.exclude, modelName: context.label, batchSize: 65_536 });
    if (predictions.kind === 'values') {
      outputs = ['prediction'];
      return predictions.values;
    }
    outputs = predictions.classes;
    return predictions.probabilities;
  };
  const width = (await score(selectRows(context.background, [0]))).length;
  const result = await kernelShap(score, width, context.explained, context.background, features, options);
  return finish('kernel', 'output', outputs, features, result.values, result.expected, context, [`KernelSHAP: ${result.samples} coalitions per row, ${context.background.rowCount} background rows, seeded`]);
}

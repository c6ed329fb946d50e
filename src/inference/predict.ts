/**
 * Running a model over a table in batches and reading its outputs as predictions: class
 * probabilities [N, C] (with class labels from the `classes` metadata, else 0..C-1), or
 * regression values [N] / [N, 1].
 */
import { findColumn, type Table } from '../data/index.js';
import { unsupportedModelOutput } from './errors.js';
import { numericValues, planFeatures, textValues, type FeaturePlan, type PlanOptions } from './feature-plan.js';
import { metadataList } from './onnx-metadata.js';
import { ort, type OnnxModel, type TensorInfo } from './onnx-model.js';

export type ModelPredictions =
  | {
      readonly kind: 'probabilities';
      /** Class labels as text, in the order of the probability columns. */
      readonly classes: readonly string[];
      /** Row-major N × C. */
      readonly probabilities: Float64Array;
    }
  | { readonly kind: 'values'; readonly values: Float64Array };

export interface PredictResult {
  readonly predictions: ModelPredictions;
  /** Wall time of inference alone, per row. */
  readonly latencyMsPerRow: number;
}

export interface PredictOptions extends PlanOptions {
  readonly batchSize?: number;
}

/** Which output holds the predictions: probabilities [N, C≥2] first (by name when several), else values. */
export function choosePredictionOutput(model: OnnxModel, modelName: string): { output: TensorInfo; kind: 'probabilities' | 'values' } {
  const tensors = model.outputs.filter((output) => output.isTensor && (output.type === 'float32' || output.type === 'float64'));
  const matrices = tensors.filter((output) => output.shape.length === 2 && (typeof output.shape[1] !== 'number' || output.shape[1] >= 2));
  const probabilities = matrices.find((output) => /prob/i.test(output.name)) ?? matrices[0];
  if (probabilities) return { output: probabilities, kind: 'probabilities' };
  const vector = tensors.find((output) => output.shape.length === 1 || (output.shape.length === 2 && output.shape[1] === 1));
  if (vector) return { output: vector, kind: 'values' };
  const described = model.outputs.map((output) => `${output.name} (${output.isTensor ? `${output.type} [${output.shape.join(', ')}]` : 'not a tensor'})`).join(', ');
  throw unsupportedModelOutput({ model: modelName, outputs: described });
}

export async function predictTable(model: OnnxModel, table: Table, options: PredictOptions): Promise<PredictResult> {
  const plan = planFeatures(model, table, options);
  const { output, kind } = choosePredictionOutput(model, options.modelName);
  const batchSize = options.batchSize ?? 8_192;
  const chunks: Float64Array[] = [];
  let width = 1;
  let inferenceMs = 0;
  const columns = prepareColumns(plan, table);
  for (let start = 0; start < table.rowCount; start += batchSize) {
    const end = Math.min(table.rowCount, start + batchSize);
    const feeds = buildFeeds(plan, columns, start, end);
    const started = performance.now();
    const result = await model.run(feeds, [output.name]);
    inferenceMs += performance.now() - started;
    const tensor = result[output.name]!;
    width = tensor.dims.length === 2 ? Number(tensor.dims[1]) : 1;
    chunks.push(Float64Array.from(tensor.data as Float32Array | Float64Array));
  }
  const values = concat(chunks);
  const latencyMsPerRow = table.rowCount > 0 ? inferenceMs / table.rowCount : 0;
  if (kind === 'values') return { predictions: { kind: 'values', values }, latencyMsPerRow };
  const classes = metadataList(model.metadata, 'classes') ?? Array.from({ length: width }, (_, index) => String(index));
  return { predictions: { kind: 'probabilities', classes: classes.length === width ? classes : Array.from({ length: width }, (_, i) => String(i)), probabilities: values }, latencyMsPerRow };
}

type PreparedColumn = Float64Array | string[];

function prepareColumns(plan: FeaturePlan, table: Table): Map<string, PreparedColumn> {
  const prepared = new Map<string, PreparedColumn>();
  const names = plan.kind === 'matrix' ? plan.columns.map((name) => ({ name, text: false })) : plan.inputs.map(({ input, column }) => ({ name: column, text: input.type === 'string' }));
  for (const { name, text } of names) {
    const column = findColumn(table, name)!;
    prepared.set(name, text ? textValues(column, table.rowCount) : numericValues(column));
  }
  return prepared;
}

function buildFeeds(plan: FeaturePlan, columns: Map<string, PreparedColumn>, start: number, end: number): Record<string, ort.Tensor> {
  const rows = end - start;
  if (plan.kind === 'matrix') {
    const width = plan.columns.length;
    const data = plan.input.type === 'float64' ? new Float64Array(rows * width) : new Float32Array(rows * width);
    plan.columns.forEach((name, j) => {
      const values = columns.get(name) as Float64Array;
      for (let i = 0; i < rows; i++) data[i * width + j] = values[start + i]!;
    });
    return { [plan.input.name]: new ort.Tensor(plan.input.type as 'float32' | 'float64', data, [rows, width]) };
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const { input, column } of plan.inputs) {
    const dims = input.shape.length === 2 ? [rows, 1] : [rows];
    const values = columns.get(column)!;
    feeds[input.name] = toTensor(input.type, values, start, end, dims);
  }
  return feeds;
}

function toTensor(type: string, values: PreparedColumn, start: number, end: number, dims: number[]): ort.Tensor {
  if (type === 'string') return new ort.Tensor('string', (values as string[]).slice(start, end), dims);
  const numbers = (values as Float64Array).subarray(start, end);
  switch (type) {
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(numbers), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(numbers, (value) => BigInt(Math.trunc(Number.isNaN(value) ? 0 : value))), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(numbers), dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(numbers, (value) => (value ? 1 : 0)), dims);
    default:
      return new ort.Tensor('float32', Float32Array.from(numbers), dims);
  }
}

function concat(chunks: readonly Float64Array[]): Float64Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const result = new Float64Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

/**
 * Rows keyed by feature name (`/predict`, MLflow's dataframe formats) as model inputs. The
 * features come from the model: the `feature_names` of a single matrix input (as skl2onnx and
 * `sluice train` write them), or one input per column named like the column. Every row is
 * checked: a missing feature or a value of the wrong type is a 400 naming the row and feature.
 */
import { metadataList, type OnnxModel } from '../inference/index.js';
import { badInferenceRequest } from './errors.js';
import { allocateTensorData, type BatchTensor, type FeedPart, type TensorData } from './feed.js';
import { FLOAT32_MAX } from './tensor-codec.js';

export interface Feature {
  readonly name: string;
  /** Whether the model takes it as text. */
  readonly text: boolean;
}

export interface RowCodec {
  /** The features a row must have, in the model's order. */
  readonly features: readonly Feature[];
  /** Rows as objects keyed by feature name (extra keys are ignored, like MLflow does). */
  fromRecords(records: readonly unknown[]): FeedPart;
  /** Rows as arrays in `columns` order (MLflow's dataframe_split, CSV). */
  fromColumns(columns: readonly string[], data: readonly unknown[]): FeedPart;
}

/**
 * A cell as a number: numbers, numeric text, and null/'' as missing (NaN, which imputers expect).
 * A value beyond the tensor type's range (`1e400` parses to Infinity; 1e39 overflows float32)
 * is refused: the model would answer it with NaN, which no caller means.
 */
function numberOf(value: unknown, row: number, feature: string, type: string): number {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (value === null || value === undefined || value === '') return Number.NaN;
  else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) number = Number(value);
  else if (typeof value === 'boolean') return value ? 1 : 0;
  else throw badInferenceRequest({ problem: `Row ${row}: feature "${feature}" must be a number, not ${JSON.stringify(value)}.` });
  if (!Number.isFinite(number) || (type === 'float32' && Math.abs(number) > FLOAT32_MAX)) {
    const given = typeof value === 'string' ? value : String(value);
    throw badInferenceRequest({ problem: `Row ${row}: feature "${feature}" is ${given}, which is not a finite ${type} value (the model would answer it with NaN); send a value within ±${type === 'float32' ? '3.4e38' : '1.8e308'}, or null for a missing one.` });
  }
  return number;
}

function textOf(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function store(data: TensorData, index: number, value: number): void {
  if (data instanceof BigInt64Array) {
    if (Number.isFinite(value) && Math.abs(value) >= 2 ** 63) throw badInferenceRequest({ problem: `The value ${value} is outside the 64-bit integer range the model takes.` });
    data[index] = BigInt(Math.trunc(Number.isFinite(value) ? value : 0));
  }
  else (data as Float32Array)[index] = value;
}

export function rowCodecFor(model: OnnxModel, modelName: string): RowCodec {
  const [only] = model.inputs;
  const matrix = model.inputs.length === 1 && only !== undefined && only.isTensor && only.shape.length === 2 && only.type !== 'string';
  if (matrix) {
    const width = typeof only.shape[1] === 'number' ? only.shape[1] : undefined;
    const names = metadataList(model.metadata, 'feature_names') ?? Array.from({ length: width ?? 0 }, (_, k) => `f${k}`);
    const features = names.map((name) => ({ name, text: false }));
    const build = (rows: number, valueAt: (row: number, feature: number) => unknown): FeedPart => {
      const data = allocateTensorData(only.type, rows * names.length);
      for (let row = 0; row < rows; row++) {
        for (let k = 0; k < names.length; k++) store(data, row * names.length + k, numberOf(valueAt(row, k), row + 1, names[k]!, only.type));
      }
      return { rows, tensors: { [only.name]: { type: only.type, data, rowShape: [names.length] } } };
    };
    // The common case, float32 features from objects, without a call per cell: this loop is most of a large request's cost.
    const fromRecords = (records: readonly unknown[]): FeedPart => {
      if (only.type !== 'float32') return build(records.length, recordReader(records, names, modelName));
      const width = names.length;
      const data = new Float32Array(records.length * width);
      for (let row = 0; row < records.length; row++) {
        const record = records[row] as Record<string, unknown> | null;
        if (record === null || typeof record !== 'object' || Array.isArray(record)) return build(records.length, recordReader(records, names, modelName));
        for (let k = 0; k < width; k++) {
          const value = record[names[k]!];
          if (typeof value === 'number' && Math.abs(value) <= FLOAT32_MAX) data[row * width + k] = value;
          // Anything else (a missing key, text, null, a value beyond float32) takes the checked path, which explains the problem.
          else return build(records.length, recordReader(records, names, modelName));
        }
      }
      return { rows: records.length, tensors: { [only.name]: { type: only.type, data, rowShape: [width] } } };
    };
    return {
      features,
      fromRecords,
      fromColumns: (columns, data) => build(data.length, columnReader(columns, data, names, modelName)),
    };
  }
  const features = model.inputs.map((input) => ({ name: input.name, text: input.type === 'string' }));
  const build = (rows: number, valueAt: (row: number, feature: number) => unknown): FeedPart => {
    const tensors: Record<string, BatchTensor> = {};
    model.inputs.forEach((input, k) => {
      const data = allocateTensorData(input.type, rows);
      for (let row = 0; row < rows; row++) {
        const value = valueAt(row, k);
        if (input.type === 'string') (data as string[])[row] = textOf(value);
        else store(data, row, numberOf(value, row + 1, input.name, input.type));
      }
      tensors[input.name] = { type: input.type, data, rowShape: input.shape.length === 2 ? [1] : [] };
    });
    return { rows, tensors };
  };
  const names = features.map((feature) => feature.name);
  return {
    features,
    fromRecords: (records) => build(records.length, recordReader(records, names, modelName)),
    fromColumns: (columns, data) => build(data.length, columnReader(columns, data, names, modelName)),
  };
}

/** Reads feature k of row r from objects, failing on the first row that lacks a feature. */
function recordReader(records: readonly unknown[], names: readonly string[], modelName: string): (row: number, feature: number) => unknown {
  records.forEach((record, row) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw badInferenceRequest({ problem: `Row ${row + 1} must be an object of feature values, like {"${names[0]}": 1.5, …}.` });
    }
    const missing = names.filter((name) => !(name in (record as object)));
    if (missing.length > 0) {
      throw badInferenceRequest({ problem: `Row ${row + 1} lacks ${missing.length === 1 ? 'the feature' : `${missing.length} features`} ${missing.slice(0, 5).map((name) => `"${name}"`).join(', ')}${missing.length > 5 ? ', …' : ''} that ${modelName} needs.` });
    }
  });
  return (row, feature) => (records[row] as Record<string, unknown>)[names[feature]!];
}

/** Reads feature k of row r from arrays laid out by `columns`. */
function columnReader(columns: readonly string[], data: readonly unknown[], names: readonly string[], modelName: string): (row: number, feature: number) => unknown {
  const positions = names.map((name) => columns.indexOf(name));
  const missing = names.filter((_, k) => positions[k]! < 0);
  if (missing.length > 0) throw badInferenceRequest({ problem: `The columns lack ${missing.slice(0, 5).map((name) => `"${name}"`).join(', ')}${missing.length > 5 ? ', …' : ''}, which ${modelName} needs.` });
  data.forEach((row, index) => {
    if (!Array.isArray(row) || row.length !== columns.length) throw badInferenceRequest({ problem: `Row ${index + 1} must be an array of ${columns.length} values, one per column.` });
  });
  return (row, feature) => (data[row] as unknown[])[positions[feature]!];
}

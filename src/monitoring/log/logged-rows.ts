/**
 * A logged prediction as rows: each row's features by name, and what the model answered for it.
 * The log keeps each request as its protocol sent it (`/predict` rows, MLflow's four dataframe
 * formats or CSV, v2 tensors over REST or gRPC), so this is the one place that knows every shape,
 * as the serving codecs do in the other direction. A record that cannot be read is reported, not
 * guessed at.
 */
import { valuesFromBytes } from '../../core/index.js';
import type { LoggedPrediction } from './read-prediction-log.js';

/** One predicted row. */
export interface LoggedRow {
  readonly requestId: string;
  /** Its position in the request (feedback gives one label per row of a multi-row request). */
  readonly index: number;
  readonly time: number;
  readonly version: string;
  readonly features: Readonly<Record<string, unknown>>;
  /** A classifier's class probabilities (by class name), or a regressor's value. */
  readonly prediction: Readonly<Record<string, number>> | number | undefined;
}

export type DecodeResult = { readonly ok: true; readonly rows: readonly LoggedRow[] } | { readonly ok: false; readonly problem: string };

/** What the served model's signature says about its rows. */
export interface ServedSignature {
  /** Feature names in input order. */
  readonly features: readonly string[];
  /** A classifier's class names in output order (answers given as lists are keyed by them). */
  readonly classes?: readonly string[] | undefined;
}

/** The rows of `record`. */
export function loggedRows(record: LoggedPrediction, signature: ServedSignature): DecodeResult {
  const inputs = inputRows(record.protocol, record.inputs, signature.features);
  if (typeof inputs === 'string') return { ok: false, problem: inputs };
  const predictions = outputRows(record.protocol, record.outputs, inputs.length, signature.classes ?? []);
  return {
    ok: true,
    rows: inputs.map((features, k) => ({ requestId: record.request_id, index: k, time: record.time, version: record.version, features, prediction: predictions[k] })),
  };
}

type Row = Record<string, unknown>;

function isRecord(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fromColumns(columns: readonly string[], data: readonly unknown[]): Row[] | string {
  const rows: Row[] = [];
  for (const values of data) {
    if (!Array.isArray(values)) return 'a dataframe row is not a list';
    rows.push(Object.fromEntries(columns.map((column, k) => [column, values[k]])));
  }
  return rows;
}

/** Rows of MLflow's scoring body, in whichever of its four formats (or CSV) it came. */
function mlflowRows(body: unknown, features: readonly string[]): Row[] | string {
  if (typeof body === 'string') {
    const [header, ...lines] = body.trim().split(/\r?\n/);
    const columns = (header ?? '').split(',').map((name) => name.trim());
    return fromColumns(columns, lines.map((line) => line.split(',').map((cell) => (cell.trim() === '' ? null : Number.isNaN(Number(cell)) ? cell : Number(cell)))));
  }
  if (!isRecord(body)) return 'the MLflow body is not an object';
  if (isRecord(body.dataframe_split)) {
    const split = body.dataframe_split;
    const columns = Array.isArray(split.columns) ? (split.columns as string[]) : features;
    return Array.isArray(split.data) ? fromColumns(columns, split.data) : 'dataframe_split has no data';
  }
  const records = body.dataframe_records ?? body.instances ?? body.inputs;
  if (Array.isArray(records)) return records.every(Array.isArray) ? fromColumns(features, records) : records.filter(isRecord);
  if (isRecord(records)) {
    const columns = Object.keys(records);
    const lists = Object.values(records) as unknown[][];
    const length = Array.isArray(lists[0]) ? lists[0].length : 0;
    return Array.from({ length }, (_, row) => Object.fromEntries(columns.map((column, k) => [column, lists[k]?.[row]])));
  }
  return 'the MLflow body has none of dataframe_split, dataframe_records, instances or inputs';
}

/** A v2 tensor's values flat, row-major (its data may be nested, as the protocol allows). */
function flat(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flat(Infinity as 1) : [];
}

/**
 * A logged v2 tensor's values flat: its `data`, or the bytes it came or went as, logged as
 * `data_base64` (serving/v2-inference.ts), read back with the wire layout serving reads them with.
 */
function tensorValues(tensor: Row): unknown[] | string {
  if (typeof tensor.data_base64 !== 'string') return flat(tensor.data);
  const shape = Array.isArray(tensor.shape) ? (tensor.shape as number[]) : [];
  try {
    return Array.from(valuesFromBytes(String(tensor.name), String(tensor.datatype), shape, Buffer.from(tensor.data_base64, 'base64'), 'data_base64'));
  } catch (error) {
    return `tensor "${String(tensor.name)}": ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Rows of v2 inputs: one matrix input in feature order, or one input per feature. */
function v2Rows(inputs: unknown, features: readonly string[]): Row[] | string {
  if (!Array.isArray(inputs) || inputs.length === 0) return 'the v2 inputs are not a list of tensors';
  const tensors = inputs.filter(isRecord);
  const columns = new Map<string, unknown[]>();
  for (const tensor of tensors) {
    const values = tensorValues(tensor);
    if (typeof values === 'string') return values;
    columns.set(String(tensor.name), values);
  }
  if (tensors.length === 1 && Array.isArray(tensors[0]!.shape) && (tensors[0]!.shape as number[]).length === 2 && !features.includes(String(tensors[0]!.name))) {
    const [rows, width] = tensors[0]!.shape as [number, number];
    const values = columns.get(String(tensors[0]!.name))!;
    if (width !== features.length) return `a ${rows}×${width} input for ${features.length} features`;
    return Array.from({ length: rows }, (_, row) => Object.fromEntries(features.map((feature, k) => [feature, values[row * width + k]])));
  }
  const length = Math.max(0, ...[...columns.values()].map((values) => values.length));
  return Array.from({ length }, (_, row) => Object.fromEntries([...columns].map(([name, values]) => [name, values[row]])));
}

function inputRows(protocol: string, inputs: unknown, features: readonly string[]): Row[] | string {
  switch (protocol) {
    case 'predict':
      return Array.isArray(inputs) ? inputs.filter(isRecord) : 'the /predict rows are not a list';
    case 'mlflow':
      return mlflowRows(inputs, features);
    case 'v2':
    case 'grpc':
      return v2Rows(inputs, features);
    default:
      return `the protocol "${protocol}" is not one Sluice logs`;
  }
}

/** Each row's prediction from the logged outputs (undefined where the shape is not understood). */
function outputRows(protocol: string, outputs: unknown, rows: number, classes: readonly string[]): (Readonly<Record<string, number>> | number | undefined)[] {
  const list = protocol === 'v2' || protocol === 'grpc' ? v2Outputs(outputs, rows) : Array.isArray(outputs) ? outputs : [];
  return Array.from({ length: rows }, (_, k) => predictionOf(list[k], classes));
}

function predictionOf(value: unknown, classes: readonly string[]): Readonly<Record<string, number>> | number | undefined {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length === 1 ? Number(value[0]) : Object.fromEntries(value.map((p, k) => [classes[k] ?? String(k), Number(p)]));
  if (!isRecord(value)) return undefined;
  if (typeof value.value === 'number') return value.value;
  if (isRecord(value.probabilities)) return Object.fromEntries(Object.entries(value.probabilities).map(([label, p]) => [label, Number(p)]));
  return undefined;
}

/** v2 outputs as one entry per row: the first float output's row (probabilities or a value). */
function v2Outputs(outputs: unknown, rows: number): unknown[] {
  if (!Array.isArray(outputs)) return [];
  const tensor = outputs.filter(isRecord).find((output) => output.datatype === 'FP32' || output.datatype === 'FP64');
  if (!tensor || !Array.isArray(tensor.shape)) return [];
  const decoded = tensorValues(tensor);
  if (typeof decoded === 'string') return [];
  const values = decoded.map(Number);
  const width = (tensor.shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: rows }, (_, row) => (width === 1 ? values[row] : values.slice(row * width, (row + 1) * width)));
}

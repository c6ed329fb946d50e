/**
 * How table columns become model inputs, decided once per model and table:
 *  - one matrix input [N, K]: the columns named by the model's `feature_names` metadata, or else
 *    every column not excluded, in file order (their number must be K);
 *  - one input per column, matched by name (as skl2onnx exports mixed-type pipelines), string
 *    columns as string tensors.
 * Mismatches name the missing and unexpected columns.
 */
import { cellText, findColumn, requireNumericColumn, type Column, type Table } from '../data/index.js';
import { featureCountMismatch, featureMismatch, unsupportedModelInput } from './errors.js';
import { metadataList } from './onnx-metadata.js';
import type { OnnxModel, TensorInfo } from './onnx-model.js';

const NUMERIC_INPUT_TYPES = new Set(['float32', 'float64', 'int64', 'int32', 'bool']);

export interface MatrixPlan {
  readonly kind: 'matrix';
  readonly input: TensorInfo;
  /** Feature columns in the model's order. */
  readonly columns: readonly string[];
}

export interface ColumnsPlan {
  readonly kind: 'columns';
  readonly inputs: readonly { readonly input: TensorInfo; readonly column: string }[];
}

export type FeaturePlan = MatrixPlan | ColumnsPlan;

export interface PlanOptions {
  /** Columns that are never features (the target, sensitive attributes…). */
  readonly exclude: readonly string[];
  /** How the model is named in messages. */
  readonly modelName: string;
}

export function planFeatures(model: OnnxModel, table: Table, options: PlanOptions): FeaturePlan {
  const excluded = new Set(options.exclude);
  const candidates = table.columns.map((column) => column.name).filter((name) => !excluded.has(name));
  const [only] = model.inputs;
  if (model.inputs.length === 1 && only && only.isTensor && only.shape.length === 2 && (only.type === 'float32' || only.type === 'float64')) {
    const featureNames = metadataList(model.metadata, 'feature_names');
    if (featureNames) {
      const missing = featureNames.filter((name) => !findColumn(table, name));
      if (missing.length > 0) throw featureMismatch({ model: options.modelName, missing, unexpected: [] });
      return checkNumeric({ kind: 'matrix', input: only, columns: featureNames }, table);
    }
    const width = only.shape[1];
    if (typeof width === 'number' && width !== candidates.length) {
      throw featureCountMismatch({ model: options.modelName, expected: width, actual: candidates.length, columns: candidates });
    }
    return checkNumeric({ kind: 'matrix', input: only, columns: candidates }, table);
  }

  const inputs = model.inputs.map((input) => {
    if (!input.isTensor || (!NUMERIC_INPUT_TYPES.has(input.type) && input.type !== 'string')) {
      throw unsupportedModelInput({ model: options.modelName, input: input.name, type: input.type });
    }
    return { input, column: input.name };
  });
  const missing = inputs.filter(({ column }) => !findColumn(table, column)).map(({ column }) => column);
  if (missing.length > 0) {
    const used = new Set(inputs.map(({ column }) => column));
    throw featureMismatch({ model: options.modelName, missing, unexpected: candidates.filter((name) => !used.has(name)) });
  }
  return checkNumeric({ kind: 'columns', inputs }, table);
}

/** Numeric inputs fed from a text column must parse as numbers; the first bad cell is named. */
function checkNumeric<P extends FeaturePlan>(plan: P, table: Table): P {
  const numericColumns = plan.kind === 'matrix' ? plan.columns : plan.inputs.filter(({ input }) => input.type !== 'string').map(({ column }) => column);
  for (const name of numericColumns) requireNumericColumn(table, name);
  return plan;
}

/** A numeric view of a column (text parsed, missing as NaN). */
export function numericValues(column: Column): Float64Array {
  if (column.kind === 'number') return column.values;
  const values = new Float64Array(column.values.length);
  for (let row = 0; row < values.length; row++) {
    const text = column.values[row];
    values[row] = text === null || text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  }
  return values;
}

/** Text of every row (missing as the empty string, which string inputs expect). */
export function textValues(column: Column, rowCount: number): string[] {
  return Array.from({ length: rowCount }, (_, row) => cellText(column, row) ?? '');
}

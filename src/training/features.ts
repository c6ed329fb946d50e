/**
 * Feature preparation that travels with the model: numeric columns are imputed with their
 * training mean and standardised, text columns (and those declared categorical) are one-hot encoded. The same steps are fitted
 * here, applied for training, and written into the exported ONNX graph, so the model takes the
 * raw table columns.
 *
 * The in-memory transform emulates onnxruntime's float32 arithmetic (Math.fround after each
 * operation, which is exact for single IEEE operations), so a tree split sees the same value in
 * training and in serving.
 */
import { cellText, findColumn, type Column, type Table } from '../data/index.js';
import type { OnnxGraphBuilder } from './onnx/graph-builder.js';

export interface NumericFeature {
  readonly name: string;
  /** Training mean (float32): the imputed value and the centre. */
  readonly mean: number;
  /** 1 / training standard deviation (float32; 1 for a constant column). */
  readonly scale: number;
}

export interface CategoricalFeature {
  readonly name: string;
  /** Known values, sorted; others (and missing) encode as all zeros. */
  readonly categories: readonly string[];
}

export interface FeatureSpec {
  readonly numeric: readonly NumericFeature[];
  readonly categorical: readonly CategoricalFeature[];
  /** Columns of the prepared matrix, named `column` or `column=value`. */
  readonly names: readonly string[];
}

/** Most frequent values kept per text column; rarer ones encode as all zeros. */
const MAX_CATEGORIES = 100;

/** Fits the preparation of `columns`; those in `categorical` are one-hot encoded, the others read as numbers. */
export function fitFeatureSpec(table: Table, columns: readonly string[], categorical: ReadonlySet<string>): FeatureSpec {
  const numeric: NumericFeature[] = [];
  const categories: CategoricalFeature[] = [];
  for (const name of columns) {
    const column = findColumn(table, name)!;
    if (!categorical.has(name)) {
      const values = numberView(column);
      let sum = 0;
      let count = 0;
      for (let row = 0; row < values.length; row++) {
        const value = values[row]!;
        if (Number.isNaN(value)) continue;
        sum += Math.fround(value);
        count++;
      }
      const mean = count > 0 ? sum / count : 0;
      let squares = 0;
      for (let row = 0; row < values.length; row++) {
        const value = values[row]!;
        if (!Number.isNaN(value)) squares += (Math.fround(value) - mean) ** 2;
      }
      const std = count > 0 ? Math.sqrt(squares / count) : 0;
      numeric.push({ name, mean: Math.fround(mean), scale: Math.fround(std > 0 ? 1 / std : 1) });
    } else {
      const counts = new Map<string, number>();
      for (let row = 0; row < table.rowCount; row++) {
        const text = cellText(column, row);
        if (text !== null && text !== '') counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      const kept = [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : 1)).slice(0, MAX_CATEGORIES).map(([value]) => value);
      categories.push({ name, categories: kept.sort() });
    }
  }
  const names = [...numeric.map((feature) => feature.name), ...categories.flatMap((feature) => feature.categories.map((value) => `${feature.name}=${value}`))];
  return { numeric, categorical: categories, names };
}

/** The numbers of a column (text parsed; empty and unparsable cells as NaN, i.e. missing). */
function numberView(column: Column): Float64Array {
  if (column.kind === 'number') return column.values;
  return Float64Array.from(column.values, (text) => (text === null || text.trim() === '' ? Number.NaN : Number(text)));
}

/** The prepared matrix, row-major N × names.length, with onnxruntime's float32 results. */
export function transformFeatures(spec: FeatureSpec, table: Table): Float64Array {
  const width = spec.names.length;
  const rows = table.rowCount;
  const matrix = new Float64Array(rows * width);
  spec.numeric.forEach((feature, j) => {
    const values = numberView(findColumn(table, feature.name)!);
    const { mean, scale } = feature;
    for (let row = 0; row < rows; row++) {
      const raw = values[row]!;
      const value = Number.isNaN(raw) ? mean : Math.fround(raw);
      matrix[row * width + j] = Math.fround(Math.fround(value - mean) * scale);
    }
  });
  let offset = spec.numeric.length;
  for (const feature of spec.categorical) {
    const column = findColumn(table, feature.name)!;
    const index = new Map(feature.categories.map((value, k) => [value, k]));
    for (let row = 0; row < rows; row++) {
      const k = index.get(cellText(column, row) ?? '');
      if (k !== undefined) matrix[row * width + offset + k] = 1;
    }
    offset += feature.categories.length;
  }
  return matrix;
}

/**
 * Adds one graph input per raw column and the preparation steps; returns the name of the
 * [N, names.length] float tensor they produce.
 */
export function addFeatureGraph(builder: OnnxGraphBuilder, spec: FeatureSpec): string {
  const blocks: string[] = [];
  if (spec.numeric.length > 0) {
    const inputs = spec.numeric.map((feature) => builder.input(feature.name, 'float', ['N', 1]));
    const [joined] = inputs.length === 1 ? inputs : builder.node('Concat', inputs, { attributes: { axis: { i: 1 } } });
    const [imputed] = builder.node('Imputer', [joined!], {
      domain: 'ai.onnx.ml',
      attributes: { imputed_value_floats: { floats: spec.numeric.map((feature) => feature.mean) }, replaced_value_float: { f: Number.NaN } },
    });
    const [scaled] = builder.node('Scaler', [imputed!], {
      domain: 'ai.onnx.ml',
      attributes: { offset: { floats: spec.numeric.map((feature) => feature.mean) }, scale: { floats: spec.numeric.map((feature) => feature.scale) } },
    });
    blocks.push(scaled!);
  }
  for (const feature of spec.categorical) {
    const input = builder.input(feature.name, 'string', ['N', 1]);
    if (feature.categories.length === 0) continue;
    const [encoded] = builder.node('OneHotEncoder', [input], { domain: 'ai.onnx.ml', attributes: { cats_strings: { strings: feature.categories }, zeros: { i: 1 } } });
    const shape = builder.constant('onehot_shape', { dims: [2], int64s: [-1, feature.categories.length] });
    blocks.push(builder.node('Reshape', [encoded!, shape])[0]!);
  }
  return blocks.length === 1 ? blocks[0]! : builder.node('Concat', blocks, { attributes: { axis: { i: 1 } } })[0]!;
}

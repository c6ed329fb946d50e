/** The matrices feature preparation passes along: values (or text) with each column's origin. */
import type { GraphNode } from '../inference/index.js';
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

export function numeric(matrix: FeatureMatrix, node: GraphNode | undefined, model: string): FeatureMatrix & { values: Float64Array } {
  if (!matrix.values) throw unexplainableGraph({ model, reason: `${node ? node.opType : 'the explained tensor'} reads text directly` });
  return matrix as FeatureMatrix & { values: Float64Array };
}

export function mapValues(input: FeatureMatrix & { values: Float64Array }, fn: (value: number, column: number) => number): FeatureMatrix {
  const values = new Float64Array(input.values.length);
  for (let i = 0; i < input.rows; i++) for (let j = 0; j < input.width; j++) values[i * input.width + j] = fn(input.values[i * input.width + j]!, j);
  return { ...input, values };
}

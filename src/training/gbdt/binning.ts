/**
 * Histogram binning for gradient boosting: each feature's values are mapped to at most
 * `maxBins` bins whose upper edges are actual (float32) data values, so a split "bin ≤ k" is
 * exactly the test "x ≤ edge_k" that onnxruntime's tree ensemble evaluates.
 */
import { seededRandom } from '../../core/index.js';

/** Rows looked at to choose edges (as scikit-learn's histogram GBDT does). */
const EDGE_SAMPLE = 200_000;

/** Per feature, the ascending upper edges of every bin but the last. */
export function chooseEdges(features: Float64Array, width: number, maxBins: number, seed: number): Float64Array[] {
  const rows = features.length / width;
  const sample = sampleRows(rows, seed);
  const edges: Float64Array[] = [];
  const values = new Float64Array(sample.length);
  for (let f = 0; f < width; f++) {
    for (let i = 0; i < sample.length; i++) values[i] = features[sample[i]! * width + f]!;
    values.sort();
    const distinct: number[] = [];
    for (let i = 0; i < values.length && distinct.length <= maxBins; i++) {
      if (distinct.length === 0 || distinct[distinct.length - 1] !== values[i]) distinct.push(values[i]!);
    }
    if (distinct.length <= maxBins) {
      edges.push(Float64Array.from(distinct.slice(0, -1)));
      continue;
    }
    // Quantile edges over the sample, deduplicated; each edge is a data value.
    const chosen: number[] = [];
    for (let k = 1; k < maxBins; k++) {
      const edge = values[Math.min(values.length - 1, Math.floor((k * values.length) / maxBins))]!;
      if (chosen.length === 0 || chosen[chosen.length - 1]! < edge) chosen.push(edge);
    }
    if (chosen[chosen.length - 1] === values[values.length - 1]) chosen.pop();
    edges.push(Float64Array.from(chosen));
  }
  return edges;
}

/** Cells of the lookup that narrows each value's search to one or two edges. */
const CELLS = 1024;

/**
 * Writes feature-major bins (`bins[f · rows + row]`, as scikit-learn's HistGradientBoosting keeps
 * them: counting one feature then reads one contiguous byte array), row by row (the features are
 * row-major). A value's bin is the number of edges below it, found by a binary search over the
 * few edges its cell of an even grid between the first and the last edge can hold: for quantile
 * edges that is one or two comparisons instead of eight.
 */
export function binColumns(features: Float64Array, width: number, edges: readonly Float64Array[], bins: Uint8Array): void {
  const rows = features.length / width;
  const lookups = edges.map(cellLookup);
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let f = 0; f < width; f++) {
      const value = features[base + f]!;
      const { first, scale, low: lows, high: highs } = lookups[f]!;
      const featureEdges = edges[f]!;
      const x = (value - first) * scale;
      // NaN (and anything below the first edge) lands in cell 0, whose search starts at edge 0.
      const cell = x >= 0 ? (x < CELLS ? x | 0 : CELLS - 1) : 0;
      let low = lows[cell]!;
      let high = highs[cell]!;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (featureEdges[middle]! < value) low = middle + 1;
        else high = middle;
      }
      bins[f * rows + row] = low;
    }
  }
}

interface CellLookup {
  readonly first: number;
  readonly scale: number;
  /** Per cell, bounds on the number of edges below any value the cell receives. */
  readonly low: Uint16Array;
  readonly high: Uint16Array;
}

/**
 * Cell c covers [first + c / scale, first + (c + 1) / scale); its bounds are taken one cell wider
 * on each side, so rounding in the cell's computation can never put a value outside them.
 */
function cellLookup(edges: Float64Array): CellLookup {
  const count = edges.length;
  const first = count > 0 ? edges[0]! : 0;
  const span = count > 0 ? edges[count - 1]! - first : 0;
  const scale = CELLS / span;
  const low = new Uint16Array(CELLS);
  const high = new Uint16Array(CELLS);
  let below = 0;
  let atOrBelow = 0;
  for (let cell = 0; cell < CELLS; cell++) {
    const lowerBoundary = first + (cell - 1) / scale;
    const upperBoundary = first + (cell + 2) / scale;
    if (cell <= 1) below = 0;
    else while (below < count && edges[below]! < lowerBoundary) below++;
    if (cell >= CELLS - 2) atOrBelow = count;
    else while (atOrBelow < count && edges[atOrBelow]! <= upperBoundary) atOrBelow++;
    low[cell] = below;
    high[cell] = atOrBelow;
  }
  return { first, scale, low, high };
}

/** The number of edges strictly below x: x ≤ edge_k puts x in a bin ≤ k. */
export function binOf(edges: Float64Array, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (edges[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sampleRows(rows: number, seed: number): Uint32Array {
  if (rows <= EDGE_SAMPLE) return Uint32Array.from({ length: rows }, (_, i) => i);
  const random = seededRandom(seed);
  const chosen = new Uint32Array(EDGE_SAMPLE);
  for (let i = 0; i < EDGE_SAMPLE; i++) chosen[i] = Math.floor(random() * rows);
  return chosen.sort();
}

/**
 * Histogram binning for gradient boosting: each feature's values are mapped to at most
 * `maxBins` bins whose upper edges are actual (float32) data values, so a split "bin ≤ k" is
 * exactly the test "x ≤ edge_k" that onnxruntime's tree ensemble evaluates.
 */
import { seededRandom } from '../../core/index.js';
import { sortNumbers } from '../../data/index.js';

/** Rows looked at to choose edges (as scikit-learn's histogram GBDT does). */
const EDGE_SAMPLE = 200_000;

/** Per feature, the ascending upper edges of every bin but the last. */
export function chooseEdges(features: Float64Array, width: number, maxBins: number, seed: number): Float64Array[] {
  const rows = features.length / width;
  const sample = sampleRows(rows, seed);
  const edges: Float64Array[] = [];
  const values = new Float64Array(sample.length);
  // The sampled rows, gathered once feature-major (one read of each row rather than one per feature).
  const sampled = new Float64Array(sample.length * width);
  for (let i = 0; i < sample.length; i++) {
    const base = sample[i]! * width;
    for (let f = 0; f < width; f++) sampled[f * sample.length + i] = features[base + f]!;
  }
  for (let f = 0; f < width; f++) {
    values.set(sampled.subarray(f * sample.length, (f + 1) * sample.length));
    sortNumbers(values);
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
export const CELLS = 1024;

/**
 * What the WebAssembly kernel `binRows` (kernels.wat) needs to bin values: a value's bin is the
 * number of edges below it, found among the few edges its cell of an even grid between the first
 * and the last edge can hold: for quantile edges one comparison instead of eight, made without a
 * branch (a binary search's branches are mispredicted half the time).
 */
export interface BinTables {
  /** Per feature: the grid's start and cells per unit. */
  readonly firsts: Float64Array;
  readonly scales: Float64Array;
  /** Per feature and cell (feature-major): bounds on the number of edges below any value the cell receives. */
  readonly lows: Uint16Array;
  readonly highs: Uint16Array;
  /** Every feature's edges, each feature's followed by +infinity, from `edgeStarts[f]`. */
  readonly edges: Float64Array;
  readonly edgeStarts: Int32Array;
  /** Per feature, the largest high − low over its cells. */
  readonly spans: Int32Array;
}

export function binTables(edges: readonly Float64Array[]): BinTables {
  const width = edges.length;
  const firsts = new Float64Array(width);
  const scales = new Float64Array(width);
  const lows = new Uint16Array(width * CELLS);
  const highs = new Uint16Array(width * CELLS);
  const edgeStarts = new Int32Array(width);
  const spans = new Int32Array(width);
  let total = 0;
  for (let f = 0; f < width; f++) {
    edgeStarts[f] = total;
    total += edges[f]!.length + 1;
  }
  const allEdges = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  edges.forEach((featureEdges, f) => {
    const lookup = cellLookup(featureEdges);
    firsts[f] = lookup.first;
    scales[f] = lookup.scale;
    lows.set(lookup.low, f * CELLS);
    highs.set(lookup.high, f * CELLS);
    allEdges.set(featureEdges, edgeStarts[f]);
    for (let cell = 0; cell < CELLS; cell++) spans[f] = Math.max(spans[f]!, lookup.high[cell]! - lookup.low[cell]!);
  });
  return { firsts, scales, lows, highs, edges: allEdges, edgeStarts, spans };
}

interface CellLookup {
  readonly first: number;
  readonly scale: number;
  readonly low: Uint16Array;
  readonly high: Uint16Array;
}

/**
 * Cell c covers [first + c / scale, first + (c + 1) / scale); its bounds are taken one cell wider
 * on each side, so rounding in the cell's computation can never put a value outside them. Values
 * below the grid (and NaN) go to cell 0, those above it to the last cell.
 */
function cellLookup(edges: Float64Array): CellLookup {
  const count = edges.length;
  const first = count > 0 ? edges[0]! : 0;
  const span = count > 0 ? edges[count - 1]! - first : 0;
  // A single edge (span 0) gives an infinite scale: every value lands in cell 0 or the last.
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

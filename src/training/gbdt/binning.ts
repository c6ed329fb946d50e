/**
 * Histogram binning for gradient boosting: each feature's values are mapped to at most
 * `maxBins` bins whose upper edges are actual (float32) data values, so a split "bin ≤ k" is
 * exactly the test "x ≤ edge_k" that onnxruntime's tree ensemble evaluates.
 */
import { seededRandom } from '../../core/index.js';

export interface Binning {
  /** Per feature, ascending upper edges of every bin but the last. */
  readonly edges: readonly Float64Array[];
  /** Row-major bin indexes, `stride` bytes per row (features, padded to a multiple of 4). */
  readonly bins: Uint8Array;
  readonly stride: number;
}

/** Rows looked at to choose edges (as scikit-learn's histogram GBDT does). */
const EDGE_SAMPLE = 200_000;

export function binFeatures(features: Float64Array, width: number, maxBins: number, seed: number): Binning {
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
  // Rows padded to whole 32-bit words, so partitions can move a row's bins four at a time.
  const stride = Math.ceil(width / 4) * 4;
  // Shared memory: a helper thread reads the bins while building histograms.
  const bins = new Uint8Array(new SharedArrayBuffer(rows * stride));
  for (let f = 0; f < width; f++) {
    const featureEdges = edges[f]!;
    const count = featureEdges.length;
    for (let row = 0; row < rows; row++) {
      // Inlined binOf: this loop runs rows × features times.
      const value = features[row * width + f]!;
      let low = 0;
      let high = count;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (featureEdges[middle]! < value) low = middle + 1;
        else high = middle;
      }
      bins[row * stride + f] = low;
    }
  }
  return { edges, bins, stride };
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

/**
 * A second thread for histograms, the largest share of GBDT training time: the node's rows are
 * split in half, a worker counts the first half while this thread counts the second, and the two
 * histograms are added. The rows, gradients and hessians live in SharedArrayBuffers, so nothing is
 * copied; the threads meet through Atomics.
 *
 * Whether the helper is used depends only on the number of rows, never on the machine, and the
 * split point is fixed, so the same data gives the same model (the same floating-point sums)
 * everywhere.
 */
import { Worker } from 'node:worker_threads';

/** Below this many rows a second thread costs more than it saves. */
export const PARALLEL_MIN_ROWS = 20_000;

/**
 * The worker's loop, as source: plain JavaScript run with `eval`, so it needs no separate file in
 * the compiled and bundled builds. It repeats the histogram loop of tree.ts.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
// Inside a function, so the loop's variables are locals V8 can optimise (script scope is slow).
function serve({ bins, gradients, hessians, offsets, control, histogram, stride, width }) {
  for (;;) {
    Atomics.wait(control, 0, 0);
    if (Atomics.load(control, 0) === 2) return;
    const start = control[1];
    const end = control[2];
    histogram.fill(0);
    for (let position = start; position < end; position++) {
      const g = gradients[position];
      const h = hessians[position];
      const base = position * stride;
      for (let f = 0; f < width; f++) {
        const slot = (offsets[f] + bins[base + f]) * 3;
        histogram[slot] += g;
        histogram[slot + 1] += h;
        histogram[slot + 2]++;
      }
    }
    Atomics.store(control, 0, 0);
    Atomics.store(control, 3, 1);
    Atomics.notify(control, 3);
  }
}
serve(workerData);
`;

export interface SharedRows {
  readonly bins: Uint8Array;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  readonly stride: number;
  readonly width: number;
}

export class HistogramHelper {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  private readonly histogram: Float64Array;
  private readonly worker: Worker;

  constructor(rows: SharedRows, offsets: Int32Array, histogramSize: number) {
    this.histogram = new Float64Array(new SharedArrayBuffer(histogramSize * 3 * Float64Array.BYTES_PER_ELEMENT));
    const sharedOffsets = new Int32Array(new SharedArrayBuffer(offsets.byteLength));
    sharedOffsets.set(offsets);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...rows, offsets: sharedOffsets, control: this.control, histogram: this.histogram },
    });
    // The process must be able to exit even if training throws before close().
    this.worker.unref();
  }

  /**
   * Counts positions [start, middle) on the worker while `countOwnHalf(middle, end)` runs here,
   * and returns the sum of both histograms.
   */
  build(start: number, end: number, countOwnHalf: (start: number, end: number) => Float64Array): Float64Array {
    const middle = start + ((end - start) >> 1);
    const { control } = this;
    control[1] = start;
    control[2] = middle;
    Atomics.store(control, 3, 0);
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);
    const own = countOwnHalf(middle, end);
    Atomics.wait(control, 3, 0);
    const { histogram } = this;
    for (let index = 0; index < own.length; index++) own[index]! += histogram[index]!;
    return own;
  }

  close(): void {
    Atomics.store(this.control, 0, 2);
    Atomics.notify(this.control, 0);
    void this.worker.terminate();
  }
}

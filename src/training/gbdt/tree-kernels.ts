/**
 * The training rows of one GBDT fit and the work done on them, on this thread and, for large
 * nodes, on a helper thread as well: a node's rows are split in two halves at a fixed point, the
 * helper works on the first half while this thread works on the second, and the results are
 * combined here. The bins, ids, gradients, scores and targets live in one shared WebAssembly
 * memory (training-memory.ts), so nothing is copied; the two threads meet through Atomics (a
 * hand-rolled protocol because a message per node would cost more than small nodes' work).
 *
 * Whether the helper takes part depends only on the numbers of rows, never on the machine, so the
 * same data gives the same model (the same floating-point sums) everywhere.
 */
import type { Worker } from 'node:worker_threads';
import { ResidentWorkers } from '../../core/index.js';
import { binTables, CELLS } from './binning.js';
import { binaryGradients, regressionGradients } from './kernels.js';
import { allocateTrainingMemory, openTrainingMemory, type Addresses, type MemoryViews, type WasmKernels } from './training-memory.js';

/** Below this many training rows the helper thread is not started. */
export const PARALLEL_MIN_ROWS = 20_000;
/** Nodes smaller than this are worked on by this thread alone (the hand-over costs more than it saves). */
const PARALLEL_NODE_ROWS = 8_192;

/** Which child's histogram a split also counts. */
export type CountedSide = 'left' | 'right';

const Command = { Idle: 0, HistogramOfRange: 1, Split: 2, BinaryGradients: 3, RegressionGradients: 4, ApplyLeaves: 5, Exit: 6 } as const;
type Command = (typeof Command)[keyof typeof Command];

/**
 * Control words: command, from, to, feature, bin, side (0 none, 1 left, 2 right), result, done.
 * ApplyLeaves passes the segment count as the feature and the tree's output as the bin.
 */
const CONTROL_WORDS = 8;

/**
 * Polls of a control word before a thread sleeps on it (about a millisecond). Hand-overs come
 * every few hundred microseconds while a tree grows, and waking a sleeping thread costs about as
 * much on a virtual machine (a futex wake and an inter-processor interrupt), so both threads spin
 * first and sleep only through longer gaps (between trees, after training).
 */
const SPINS = 200_000;

/** Waits until `control[index]` is no longer `value`: polls, then sleeps. */
function awaitChange(control: Int32Array, index: number, value: number, spins: number): void {
  for (let spin = 0; spin < spins; spin++) if (Atomics.load(control, index) !== value) return;
  Atomics.wait(control, index, value);
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const openTrainingMemory = ${openTrainingMemory.toString()};
const binaryGradients = ${binaryGradients.toString()};
const regressionGradients = ${regressionGradients.toString()};
const awaitChange = ${awaitChange.toString()};
// Inside a function, so the loop's variables are locals V8 can optimise (script scope is slow).
function serve({ description, control }) {
  const { kernels, views } = openTrainingMemory(description);
  const { rows, width, addresses: a } = description;
  const own = a.threads[1];
  const histogramBytes = description.histogramLength * 8;
  for (;;) {
    awaitChange(control, 0, ${Command.Idle}, ${SPINS});
    const command = Atomics.load(control, 0);
    if (command === ${Command.Exit}) return;
    const from = control[1];
    const to = control[2];
    if (command === ${Command.HistogramOfRange}) kernels.histogramOfRange(a.bins, rows, width, a.offsets, from, to, a.gradients, a.hessians, own.histogram, histogramBytes);
    else if (command === ${Command.Split}) {
      const left = kernels.partitionRows(a.bins, rows, a.ids, from, to, control[3], control[4], a.leftOut, a.rightOut);
      control[6] = left;
      const side = control[5];
      if (side === 1) kernels.histogramOfRows(a.bins, rows, width, a.offsets, a.leftOut, from, from + left, a.gradients, a.hessians, own.orderedGradients, own.orderedHessians, own.histogram, histogramBytes);
      else if (side === 2) kernels.histogramOfRows(a.bins, rows, width, a.offsets, a.rightOut, from, to - left, a.gradients, a.hessians, own.orderedGradients, own.orderedHessians, own.histogram, histogramBytes);
    } else if (command === ${Command.BinaryGradients}) binaryGradients(views.scores, views.targets, views.gradients, views.hessians, from, to);
    else if (command === ${Command.RegressionGradients}) regressionGradients(views.scores, views.targets, views.gradients, views.hessians, from, to);
    else if (command === ${Command.ApplyLeaves}) kernels.applyLeaves(a.bins, rows, a.ids, a.scores + control[4] * 8, description.outputs * 8, a.segments, control[3], from, to);
    Atomics.store(control, 0, ${Command.Idle});
    Atomics.store(control, 7, 1);
    Atomics.notify(control, 7);
  }
}
// One training after another: the thread is resident (see core/resident-workers.ts).
parentPort.on('message', serve);
`;

const helpers = new ResidentWorkers(WORKER_SOURCE, 'the training helper thread');

class Helper {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;

  constructor(description: ReturnType<typeof allocateTrainingMemory>) {
    this.worker = helpers.acquire();
    // The process must be able to exit even if training throws before close().
    this.worker.unref();
    this.worker.postMessage({ description, control: this.control });
  }

  start(command: Command, from: number, to: number, feature = 0, bin = 0, side = 0): void {
    const { control } = this;
    control[1] = from;
    control[2] = to;
    control[3] = feature;
    control[4] = bin;
    control[5] = side;
    Atomics.store(control, 7, 0);
    Atomics.store(control, 0, command);
    Atomics.notify(control, 0);
  }

  /** Waits for the command started last; returns its result word. */
  finish(): number {
    awaitChange(this.control, 7, 0, SPINS);
    return this.control[6]!;
  }

  close(): void {
    this.start(Command.Exit, 0, 0);
    helpers.release(this.worker);
  }
}

/** Rows binned per call of the kernel: their features are copied into the shared memory first. */
const BIN_CHUNK_ROWS = 4_096;

/** Where binning's tables and row chunk go, from byte `start`, for `edgeSlots` edges (sentinels included). */
function binningLayout(start: number, width: number, edgeSlots: number) {
  let end = start;
  const place = (bytes: number): number => {
    const at = end;
    end += Math.ceil(bytes / 8) * 8;
    return at;
  };
  const firsts = place(width * 8);
  const scales = place(width * 8);
  const edges = place(edgeSlots * 8);
  const chunk = place(BIN_CHUNK_ROWS * width * 8);
  const lows = place(width * CELLS * 2);
  const highs = place(width * CELLS * 2);
  const edgeStarts = place(width * 4);
  const spans = place(width * 4);
  return { firsts, scales, edges, chunk, lows, highs, edgeStarts, spans, end: end - start };
}

export class TreeKernels {
  readonly rows: number;
  readonly width: number;
  /** The per-row arrays: the caller fills bins, offsets, targets and scores before growing trees. */
  readonly views: MemoryViews;
  private readonly wasm: WasmKernels;
  private readonly addresses: Addresses;
  private readonly histogramBytes: number;
  private readonly helper: Helper | undefined;
  private readonly outputs: number;
  private readonly segmentCapacity: number;
  /** Leaf segments recorded for the tree being grown. */
  private segmentCount = 0;

  /**
   * `histogramLength` is 3 × the bins of all features (one per edge, plus one), `maxLeaves`
   * bounds the leaves of one tree (the room kept for its leaf segments).
   */
  constructor(rows: number, width: number, outputs: number, histogramLength: number, maxLeaves: number) {
    const parallel = rows >= PARALLEL_MIN_ROWS;
    const segmentCapacity = Math.max(1, Math.min(rows, maxLeaves));
    const binningBytes = binningLayout(0, width, histogramLength / 3).end;
    const description = allocateTrainingMemory(rows, width, outputs, { histogramLength, segmentCapacity, binningBytes }, parallel ? 2 : 1);
    this.outputs = outputs;
    this.segmentCapacity = segmentCapacity;
    const { kernels, views } = openTrainingMemory(description);
    this.rows = rows;
    this.width = width;
    this.views = views;
    this.wasm = kernels;
    this.addresses = description.addresses;
    this.histogramBytes = histogramLength * 8;
    this.helper = parallel ? new Helper(description) : undefined;
  }

  private helperFor(count: number): Helper | undefined {
    return count >= PARALLEL_NODE_ROWS ? this.helper : undefined;
  }

  /** Fills the bins (`views.bins`, feature-major) from row-major `features`, binned on `edges`, a chunk of rows at a time. */
  bin(features: Float64Array, edges: readonly Float64Array[]): void {
    const { rows, width, addresses: a } = this;
    const buffer = this.views.bins.buffer;
    const tables = binTables(edges);
    const layout = binningLayout(a.binning, width, tables.edges.length);
    const copy = (to: number, array: Float64Array | Uint16Array | Int32Array): void => {
      new Uint8Array(buffer, to, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    };
    copy(layout.firsts, tables.firsts);
    copy(layout.scales, tables.scales);
    copy(layout.lows, tables.lows);
    copy(layout.highs, tables.highs);
    copy(layout.edges, tables.edges);
    copy(layout.edgeStarts, tables.edgeStarts);
    copy(layout.spans, tables.spans);
    const chunk = new Float64Array(buffer, layout.chunk, BIN_CHUNK_ROWS * width);
    for (let first = 0; first < rows; first += BIN_CHUNK_ROWS) {
      const count = Math.min(BIN_CHUNK_ROWS, rows - first);
      chunk.set(features.subarray(first * width, (first + count) * width));
      this.wasm.binRows(layout.chunk, count, width, rows, first, a.bins, CELLS, layout.firsts, layout.scales, layout.lows, layout.highs, layout.edges, layout.edgeStarts, layout.spans);
    }
  }

  /** Lists every row, in id order, as the root's range. */
  resetIds(): void {
    const { ids } = this.views;
    for (let row = 0; row < ids.length; row++) ids[row] = row;
  }

  /** The gradient and hessian sums of every row. */
  sums(): [number, number] {
    const { gradients, hessians } = this.views;
    let gradient = 0;
    let hessian = 0;
    for (let row = 0; row < gradients.length; row++) {
      gradient += gradients[row]!;
      hessian += hessians[row]!;
    }
    return [gradient, hessian];
  }

  /** Histogram of every row (the root) into `histogram`. */
  histogramOfAll(histogram: Float64Array): void {
    const { rows, width, addresses: a, histogramBytes } = this;
    const helper = this.helperFor(rows);
    const middle = helper ? rows >> 1 : 0;
    helper?.start(Command.HistogramOfRange, 0, middle);
    this.wasm.histogramOfRange(a.bins, rows, width, a.offsets, middle, rows, a.gradients, a.hessians, a.threads[0]!.histogram, histogramBytes);
    this.collect(histogram, helper);
  }

  /**
   * Splits the node owning `ids[from, to)` on "bin of `feature` ≤ `bin`" (left ids first, both
   * parts in their former order) and counts the `side` child's histogram into `histogram`.
   * Returns the number of rows that went left.
   */
  split(from: number, to: number, feature: number, bin: number, side: CountedSide, histogram: Float64Array): number {
    const { rows, width, addresses: a, histogramBytes, wasm } = this;
    const { ids, leftOut, rightOut } = this.views;
    const own = a.threads[0]!;
    const helper = this.helperFor(to - from);
    if (!helper) {
      const left = wasm.partitionRows(a.bins, rows, a.ids, from, to, feature, bin, a.leftOut, a.rightOut);
      ids.set(leftOut.subarray(from, from + left), from);
      ids.set(rightOut.subarray(from, to - left), from + left);
      const [start, end] = side === 'left' ? [from, from + left] : [from + left, to];
      wasm.histogramOfRows(a.bins, rows, width, a.offsets, a.ids, start, end, a.gradients, a.hessians, own.orderedGradients, own.orderedHessians, own.histogram, histogramBytes);
      this.collect(histogram, undefined);
      return left;
    }
    const middle = from + ((to - from) >> 1);
    helper.start(Command.Split, from, middle, feature, bin, side === 'left' ? 1 : 2);
    const ownLeft = wasm.partitionRows(a.bins, rows, a.ids, middle, to, feature, bin, a.leftOut, a.rightOut);
    const ownRight = to - middle - ownLeft;
    const [list, count] = side === 'left' ? [a.leftOut, ownLeft] : [a.rightOut, ownRight];
    wasm.histogramOfRows(a.bins, rows, width, a.offsets, list, middle, middle + count, a.gradients, a.hessians, own.orderedGradients, own.orderedHessians, own.histogram, histogramBytes);
    const helperLeft = helper.finish();
    const helperRight = middle - from - helperLeft;
    this.collect(histogram, helper, true);
    // Left ids (the helper's, then this thread's), then the right ones in the same order.
    let at = from;
    ids.set(leftOut.subarray(from, from + helperLeft), at);
    at += helperLeft;
    ids.set(leftOut.subarray(middle, middle + ownLeft), at);
    at += ownLeft;
    ids.set(rightOut.subarray(from, from + helperRight), at);
    at += helperRight;
    ids.set(rightOut.subarray(middle, middle + ownRight), at);
    return helperLeft + ownLeft;
  }

  /** Copies this thread's histogram into `histogram`, adding the helper's (after waiting for it) when it took part. */
  private collect(histogram: Float64Array, helper: Helper | undefined, finished = false): void {
    if (helper && !finished) helper.finish();
    const [own, other] = this.views.histograms;
    histogram.set(own!);
    if (!helper) return;
    for (let index = 0; index < histogram.length; index++) histogram[index]! += other![index]!;
  }

  /** Records a leaf owning `ids[from, to)`: its value is added to its rows' scores by applyLeaves. */
  addLeaf(from: number, to: number, value: number): void {
    this.addSegment(from, to, -1, 0, value, value);
  }

  /** Records a split whose children are both leaves: its rows are not partitioned, each takes its side's value in applyLeaves. */
  addSplitLeaves(from: number, to: number, feature: number, bin: number, leftValue: number, rightValue: number): void {
    this.addSegment(from, to, feature, bin, leftValue, rightValue);
  }

  private addSegment(from: number, to: number, feature: number, bin: number, leftValue: number, rightValue: number): void {
    const at = this.segmentCount++;
    if (at >= this.segmentCapacity) throw new RangeError(`a tree grew more than the ${this.segmentCapacity} leaves it was given room for`);
    const { segmentValues, segmentFields } = this.views;
    segmentValues[at * 4] = leftValue;
    segmentValues[at * 4 + 1] = rightValue;
    segmentFields[at * 8 + 4] = from;
    segmentFields[at * 8 + 5] = to;
    segmentFields[at * 8 + 6] = feature;
    segmentFields[at * 8 + 7] = bin;
  }

  /** Adds the recorded leaves' values to the scores of output `output` (once per tree, when it is grown), and forgets them. */
  applyLeaves(output: number): void {
    const { rows, addresses: a, outputs } = this;
    const helper = this.helperFor(rows);
    const middle = helper ? rows >> 1 : 0;
    const count = this.segmentCount;
    helper?.start(Command.ApplyLeaves, 0, middle, count, output);
    this.wasm.applyLeaves(a.bins, rows, a.ids, a.scores + output * 8, outputs * 8, a.segments, count, middle, rows);
    helper?.finish();
    this.segmentCount = 0;
  }

  /** Gradients and hessians of every row for a one-output objective. */
  gradients(objective: 'binary' | 'regression'): void {
    const { rows } = this;
    const { scores, targets, gradients, hessians } = this.views;
    const helper = this.helperFor(rows);
    const middle = helper ? rows >> 1 : 0;
    helper?.start(objective === 'binary' ? Command.BinaryGradients : Command.RegressionGradients, 0, middle);
    if (objective === 'binary') binaryGradients(scores, targets, gradients, hessians, middle, rows);
    else regressionGradients(scores, targets, gradients, hessians, middle, rows);
    helper?.finish();
  }

  close(): void {
    this.helper?.close();
  }
}

/**
 * The memory of one GBDT fit: a shared WebAssembly memory holding every per-row array, so the
 * WebAssembly kernels (kernels.wat), the JavaScript ones (kernels.ts) and the helper thread all
 * work on the same bytes without copying. Arrays are placed once, at fixed byte addresses; the
 * views below are JavaScript's windows onto them.
 */
import { setFlagsFromString } from 'node:v8';
import { GBDT_KERNELS_WASM } from './kernels-wasm.js';

/**
 * The part of the WebAssembly API used here. Node has all of it, but TypeScript declares it only
 * in the DOM's lib, which a Node program does not load.
 */
interface WasmModule {
  readonly __brand: 'WebAssembly.Module';
}
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  readonly Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };
}

/** The WebAssembly kernels' exports (addresses and counts in, as kernels.wat documents). */
export interface WasmKernels {
  histogramOfRange(bins: number, rows: number, width: number, offsets: number, from: number, to: number, gradients: number, hessians: number, histogram: number, histogramBytes: number): void;
  histogramOfRows(
    bins: number,
    rows: number,
    width: number,
    offsets: number,
    ids: number,
    from: number,
    to: number,
    gradients: number,
    hessians: number,
    orderedGradients: number,
    orderedHessians: number,
    histogram: number,
    histogramBytes: number,
  ): void;
  partitionRows(bins: number, rows: number, ids: number, from: number, to: number, feature: number, bin: number, leftOut: number, rightOut: number): number;
  applyLeaves(bins: number, rows: number, ids: number, scores: number, stride: number, segments: number, count: number, lo: number, hi: number): void;
  binRows(
    features: number,
    count: number,
    width: number,
    rows: number,
    firstRow: number,
    bins: number,
    cells: number,
    firsts: number,
    scales: number,
    lows: number,
    highs: number,
    edges: number,
    edgeStarts: number,
    spans: number,
  ): void;
}

/** Bytes per leaf segment: f64 left value, f64 right value, i32 from, i32 to, i32 feature, i32 bin. */
export const SEGMENT_BYTES = 32;

/** Byte addresses of the arrays in the memory. */
export interface Addresses {
  readonly bins: number;
  readonly offsets: number;
  readonly ids: number;
  readonly leftOut: number;
  readonly rightOut: number;
  readonly gradients: number;
  readonly hessians: number;
  readonly scores: number;
  readonly targets: number;
  /** One tree's leaf segments, waiting to be added to the scores (kernels.wat's applyLeaves). */
  readonly segments: number;
  /** Room for binning: the bin tables and a chunk of feature rows (tree-kernels.ts lays it out). */
  readonly binning: number;
  /** Per thread (this one, then the helper): gathered gradients and hessians, and a histogram. */
  readonly threads: readonly { readonly orderedGradients: number; readonly orderedHessians: number; readonly histogram: number }[];
}

/** What a thread needs to rebuild the views and the kernels (all of it can be posted to a worker). */
export interface MemoryDescription {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly addresses: Addresses;
  readonly rows: number;
  readonly width: number;
  readonly outputs: number;
  /** Doubles per histogram: (gradient, hessian, count) per bin. */
  readonly histogramLength: number;
  /** Room for this many leaf segments (a tree's leaves). */
  readonly segmentCapacity: number;
}

/** The sizes of the arrays that are not one per row. */
export interface MemorySizes {
  /** Doubles per histogram. */
  readonly histogramLength: number;
  readonly segmentCapacity: number;
  readonly binningBytes: number;
}

export interface MemoryViews {
  readonly bins: Uint8Array;
  readonly offsets: Int32Array;
  readonly ids: Uint32Array;
  readonly leftOut: Uint32Array;
  readonly rightOut: Uint32Array;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  /** Rows × outputs raw scores. */
  readonly scores: Float64Array;
  readonly targets: Float64Array;
  /** The leaf segments, read as doubles (values) and as 32-bit integers (from, to, feature, bin). */
  readonly segmentValues: Float64Array;
  readonly segmentFields: Int32Array;
  /** The histogram of thread 0 (this one) and 1 (the helper). */
  readonly histograms: readonly Float64Array[];
}

const PAGE_BYTES = 65_536;
/** A wasm32 memory addresses at most 4 GiB. */
const MAX_PAGES = 65_536;

let compiled: WasmModule | undefined;

/** Lays out and allocates the memory for `rows` × `width` bins, one thread's arrays per thread, and the `sizes` given. */
export function allocateTrainingMemory(rows: number, width: number, outputs: number, sizes: MemorySizes, threads: number): MemoryDescription {
  const { histogramLength, segmentCapacity, binningBytes } = sizes;
  let end = 0;
  // Every array starts on a cache line.
  const place = (bytes: number): number => {
    const at = end;
    end += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const addresses: Addresses = {
    bins: place(rows * width),
    offsets: place(width * 4),
    ids: place(rows * 4),
    leftOut: place(rows * 4),
    rightOut: place(rows * 4),
    gradients: place(rows * 8),
    hessians: place(rows * 8),
    scores: place(rows * outputs * 8),
    targets: place(rows * 8),
    segments: place(segmentCapacity * SEGMENT_BYTES),
    binning: place(binningBytes),
    threads: Array.from({ length: threads }, () => ({ orderedGradients: place(rows * 8), orderedHessians: place(rows * 8), histogram: place(histogramLength * 8) })),
  };
  const pages = Math.max(1, Math.ceil(end / PAGE_BYTES));
  if (pages > MAX_PAGES) {
    throw new RangeError(`${rows.toLocaleString('en')} rows × ${width} features need ${(end / 2 ** 30).toFixed(1)} GiB of training memory; the GBDT trainer addresses at most 4 GiB. Train on a sample of the rows.`);
  }
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  compiled ??= compileOptimised(api, Buffer.from(GBDT_KERNELS_WASM, 'base64'));
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  return { module: compiled, memory, addresses, rows, width, outputs, histogramLength, segmentCapacity };
}

/**
 * V8 compiles WebAssembly with its baseline compiler (Liftoff) first and moves hot functions to
 * its optimising one later. The helper thread's instance was measured to keep running the
 * baseline code, about a third slower than the training thread's, which then waited for it at every
 * hand-over; compiled with the optimising compiler from the start (a few milliseconds for these
 * kernels), both threads run the same code. The flag is read when a module is compiled, so it is
 * set for this compilation only.
 */
function compileOptimised(api: WebAssemblyApi, bytes: Uint8Array): WasmModule {
  setFlagsFromString('--no-liftoff');
  try {
    return new api.Module(bytes);
  } finally {
    setFlagsFromString('--liftoff');
  }
}

/** The kernels and views of a memory, for the thread calling this (the helper runs this function's source: it names nothing from outside). */
export function openTrainingMemory(description: MemoryDescription): { kernels: WasmKernels; views: MemoryViews } {
  const { module, memory, addresses, rows, width, outputs, histogramLength, segmentCapacity } = description;
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const instance = new api.Instance(module, { env: { memory } });
  const buffer = memory.buffer;
  const views: MemoryViews = {
    bins: new Uint8Array(buffer, addresses.bins, rows * width),
    offsets: new Int32Array(buffer, addresses.offsets, width),
    ids: new Uint32Array(buffer, addresses.ids, rows),
    leftOut: new Uint32Array(buffer, addresses.leftOut, rows),
    rightOut: new Uint32Array(buffer, addresses.rightOut, rows),
    gradients: new Float64Array(buffer, addresses.gradients, rows),
    hessians: new Float64Array(buffer, addresses.hessians, rows),
    scores: new Float64Array(buffer, addresses.scores, rows * outputs),
    targets: new Float64Array(buffer, addresses.targets, rows),
    segmentValues: new Float64Array(buffer, addresses.segments, segmentCapacity * 4),
    segmentFields: new Int32Array(buffer, addresses.segments, segmentCapacity * 8),
    histograms: addresses.threads.map((thread) => new Float64Array(buffer, thread.histogram, histogramLength)),
  };
  return { kernels: instance.exports as unknown as WasmKernels, views };
}

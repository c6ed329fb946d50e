/**
 * Sorting many large columns on two cores, and comparing their ECDFs after. Arrays over shared
 * memory are sorted where they are, taken one at a time from a shared counter by a worker thread
 * and by this thread alike, so both finish together however long each column takes and whatever
 * else this thread does first; other arrays (when they may be transferred) go to the worker whole
 * and come back. The ECDF walks of sorted pairs (one per compared column, a third of a second
 * over 30 columns of a million) are shared out the same way. The worker runs the source of
 * {@link sortNumbers} and {@link compareEcdfs} itself, so there is no second file to find in the
 * compiled or bundled layout, and one algorithm each. It is resident (see
 * core/resident-workers.ts): reused, and never left to end right after its work.
 */
import { availableParallelism } from 'node:os';
import { ResidentWorkers, residentSource } from '../../core/index.js';
import { compareEcdfs, type EcdfComparison } from './numeric-statistics.js';
import { sortNumbers } from './sort-numbers.js';

/** Below this many values in all, a thread's start-up (~30 ms) costs more than it saves. */
const PARALLEL_THRESHOLD = 1_000_000;

const sorters = new ResidentWorkers(
  residentSource(`
const sortNumbers = ${sortNumbers.toString()};
const compareEcdfs = ${compareEcdfs.toString()};
function handle(request) {
  if (request.pairs) {
    const { pairs, next, results } = request;
    for (let k = Atomics.add(next, 0, 1); k < pairs.length; k = Atomics.add(next, 0, 1)) {
      const { largestGap, area } = compareEcdfs(pairs[k][0], pairs[k][1]);
      results[2 * k] = largestGap;
      results[2 * k + 1] = area;
    }
    return { reply: null };
  }
  const { buffers, shared, next } = request;
  for (const buffer of buffers) sortNumbers(new Float64Array(buffer));
  for (let k = Atomics.add(next, 0, 1); k < shared.length; k = Atomics.add(next, 0, 1)) sortNumbers(shared[k]);
  return { reply: buffers, transfer: buffers };
}
`),
  'the sorting thread',
);

/**
 * Starts the sorting thread now when about `values` numbers will be sorted (enough to sort on two
 * threads), so that its start-up overlaps the reading of the data.
 */
export function prewarmSorter(values: number): void {
  if (values >= PARALLEL_THRESHOLD && availableParallelism() >= 2) sorters.prewarm();
}

/** Sorting under way: `finish` sorts what is left on this thread and gives every array sorted. */
export interface SortJob {
  /**
   * The arrays sorted, in input order. Arrays sent to the worker come back as new objects over
   * the same memory, so use these; the inputs may be detached. Until it resolves, arrays over
   * shared memory may be in the middle of being sorted: read none of them.
   */
  finish(): Promise<Float64Array[]>;
}

function isShared(array: Float64Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** Whether an array owns all of its buffer (and so can be handed to another thread whole). */
function ownsBuffer(array: Float64Array): boolean {
  return array.byteOffset === 0 && array.buffer.byteLength === array.byteLength && array.buffer instanceof ArrayBuffer;
}

/** Starts sorting every array (NaN last) on the other thread; this thread joins in at `finish`. */
export function startSortAll(arrays: readonly Float64Array[], options: { transfer?: boolean } = {}): SortJob {
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  const shared = arrays.filter(isShared);
  // Without `transfer`, only arrays over shared memory go to the other thread: nothing is detached.
  const movable = options.transfer === false ? [] : arrays.filter((array) => !isShared(array) && ownsBuffer(array));
  if (total < PARALLEL_THRESHOLD || availableParallelism() < 2 || shared.length + movable.length < 2) {
    return {
      finish: () => {
        for (const array of arrays) sortNumbers(array);
        return Promise.resolve([...arrays]);
      },
    };
  }
  // Movable arrays are split by size, largest first, each to the lighter side; shared ones are
  // shared out as the threads come for them.
  const away: Float64Array[] = [];
  let awayLoad = 0;
  let hereLoad = 0;
  for (const array of [...movable].sort((a, b) => b.length - a.length)) {
    if (awayLoad <= hereLoad) {
      away.push(array);
      awayLoad += array.length;
    } else hereLoad += array.length;
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  const returned = sortInWorker(away, shared, next);
  returned.catch(() => undefined);
  return {
    async finish() {
      const sent = new Set(away);
      for (const array of arrays) if (!isShared(array) && !sent.has(array)) sortNumbers(array);
      for (let k = Atomics.add(next, 0, 1); k < shared.length; k = Atomics.add(next, 0, 1)) sortNumbers(shared[k]!);
      let sorted: Float64Array[];
      try {
        sorted = await returned;
      } catch (error) {
        // A thread that failed took transferred arrays with it; shared ones are still here, and
        // those it had taken are sorted again (sorting a half-sorted array is sorting it).
        if (away.length > 0) throw error;
        for (const array of shared) sortNumbers(array);
        return [...arrays];
      }
      const back = new Map(away.map((array, k) => [array, sorted[k]!]));
      return arrays.map((array) => back.get(array) ?? array);
    },
  };
}

/** Sorts every array (NaN last), on two threads when that pays; see {@link SortJob.finish}. */
export function sortAll(arrays: readonly Float64Array[], options: { transfer?: boolean } = {}): Promise<Float64Array[]> {
  return startSortAll(arrays, options).finish();
}

async function sortInWorker(away: readonly Float64Array[], shared: readonly Float64Array[], next: Int32Array): Promise<Float64Array[]> {
  const buffers = away.map((array) => array.buffer as ArrayBuffer);
  const sorted = await sorters.run<ArrayBuffer[]>({ buffers, shared, next }, buffers);
  return sorted.map((buffer) => new Float64Array(buffer));
}

/**
 * `compareEcdfs` of every pair, on two threads when that pays: the second of each pair (the
 * larger, current side) must be over shared memory to be read there; the first, small side is
 * copied to the worker if it is not. Results in input order.
 */
export async function compareAllEcdfs(pairs: readonly (readonly [Float64Array, Float64Array])[]): Promise<EcdfComparison[]> {
  const total = pairs.reduce((sum, [u, v]) => sum + u.length + v.length, 0);
  if (total < PARALLEL_THRESHOLD || availableParallelism() < 2 || pairs.length < 2 || !pairs.every(([, v]) => isShared(v))) {
    return pairs.map(([u, v]) => compareEcdfs(u, v));
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  const results = new Float64Array(new SharedArrayBuffer(pairs.length * 2 * Float64Array.BYTES_PER_ELEMENT));
  const away = sorters.run<null>({ pairs, next, results });
  away.catch(() => undefined);
  const here = new Set<number>();
  for (let k = Atomics.add(next, 0, 1); k < pairs.length; k = Atomics.add(next, 0, 1)) {
    const [u, v] = pairs[k]!;
    const { largestGap, area } = compareEcdfs(u, v);
    results[2 * k] = largestGap;
    results[2 * k + 1] = area;
    here.add(k);
  }
  try {
    await away;
  } catch {
    // A thread that failed may have left pairs it took unwalked: walk them here.
    for (let k = 0; k < pairs.length; k++) {
      if (here.has(k)) continue;
      const { largestGap, area } = compareEcdfs(pairs[k]![0], pairs[k]![1]);
      results[2 * k] = largestGap;
      results[2 * k + 1] = area;
    }
  }
  return pairs.map((_, k) => ({ largestGap: results[2 * k]!, area: results[2 * k + 1]! }));
}

/**
 * Sorting many large columns on two cores: half of them go to a worker thread (their buffers
 * transferred, not copied; arrays over shared memory sorted where they are), the rest are sorted
 * here meanwhile. The worker runs the source of
 * {@link sortNumbers} itself, so there is no second file to find in the compiled or bundled
 * layout, and one algorithm.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { letWorkerGo } from '../../core/index.js';
import { sortNumbers } from './sort-numbers.js';

/** Below this many values in all, a thread's start-up (~30 ms) costs more than it saves. */
const PARALLEL_THRESHOLD = 1_000_000;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const sortNumbers = ${sortNumbers.toString()};
parentPort.once('message', ({ buffers, shared }) => {
  for (const buffer of buffers) sortNumbers(new Float64Array(buffer));
  for (const array of shared) sortNumbers(array);
  parentPort.postMessage(buffers, buffers);
  parentPort.close();
});
`;

function sortInWorker(arrays: readonly Float64Array[]): Promise<Float64Array[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // The worker closes its port after answering and so ends by itself: worker.terminate() can
    // abort the whole process on Node 20 when it lands while V8 still compiles the worker's code
    // on a background thread (NodePlatform::GetForegroundTaskRunner assertion, seen in CI).
    // Once it has answered it is held until it exits, for a few seconds at most (see letWorkerGo).
    worker.once('message', (buffers: ArrayBuffer[]) => {
      letWorkerGo(worker);
      const back = buffers.values();
      resolve(arrays.map((array) => (isShared(array) ? array : new Float64Array(back.next().value as ArrayBuffer))));
    });
    worker.once('error', reject);
    // Arrays over shared memory are sorted in place by the worker; the others' buffers travel.
    const buffers = arrays.filter((array) => !isShared(array)).map((array) => array.buffer as ArrayBuffer);
    worker.postMessage({ buffers, shared: arrays.filter(isShared) }, buffers);
  });
}

/** Whether an array owns all of its buffer (and so can be handed to another thread whole). */
function ownsBuffer(array: Float64Array): boolean {
  return array.byteOffset === 0 && array.buffer.byteLength === array.byteLength && array.buffer instanceof ArrayBuffer;
}

function isShared(array: Float64Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/**
 * Sorts every array (NaN last). Arrays sent to the worker come back as new objects over the same
 * memory, so use the returned arrays, in input order; the inputs may be detached.
 */
export async function sortAll(arrays: readonly Float64Array[], options: { transfer?: boolean } = {}): Promise<Float64Array[]> {
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  // Without `transfer`, only arrays over shared memory go to the other thread: nothing is detached.
  const transferable = arrays.filter((array) => isShared(array) || (options.transfer !== false && ownsBuffer(array)));
  if (total < PARALLEL_THRESHOLD || availableParallelism() < 2 || transferable.length < 2) {
    for (const array of arrays) sortNumbers(array);
    return [...arrays];
  }
  // Largest first, each to the lighter side, so both threads finish together.
  const byLength = [...transferable].sort((a, b) => b.length - a.length);
  const away: Float64Array[] = [];
  let awayLoad = 0;
  let hereLoad = 0;
  for (const array of byLength) {
    if (awayLoad <= hereLoad) {
      away.push(array);
      awayLoad += array.length;
    } else hereLoad += array.length;
  }
  const sent = new Set(away);
  const returned = sortInWorker(away);
  returned.catch(() => undefined);
  for (const array of arrays) if (!sent.has(array)) sortNumbers(array);
  let sorted: Float64Array[];
  try {
    sorted = await returned;
  } catch (error) {
    // A thread that failed took transferred arrays with it; shared ones are still here.
    if (!away.every(isShared)) throw error;
    for (const array of away) sortNumbers(array);
    return [...arrays];
  }
  const back = new Map(away.map((array, k) => [array, sorted[k]!]));
  return arrays.map((array) => back.get(array) ?? array);
}

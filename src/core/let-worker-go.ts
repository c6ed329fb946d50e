/**
 * Letting an answered worker thread end. Workers here close their port and exit by themselves
 * (worker.terminate() can abort Node 20 when it lands while V8 still compiles for the worker).
 * Until it has exited, the worker stays referenced, so the process never exits (and tears the
 * thread down) while it is still ending: that teardown hung a test process at exit on Node 20.
 * Should it linger, it is unref'd after a grace period, so it cannot keep the process alive
 * either (one did once, until a 10-minute test timeout).
 */
import type { Worker } from 'node:worker_threads';

/** How long an answered worker may take to exit by itself before it stops holding the process. */
export const WORKER_EXIT_GRACE_MS = 5_000;

export function letWorkerGo(worker: Worker): void {
  const timer = setTimeout(() => worker.unref(), WORKER_EXIT_GRACE_MS);
  timer.unref();
  worker.once('exit', () => clearTimeout(timer));
}

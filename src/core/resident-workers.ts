/**
 * Worker threads kept and reused while there is work, never left to end right after it. Node 20
 * deadlocks when a thread's event loop runs dry while V8 still optimises that thread's hot code
 * in the background and the optimiser needs a garbage collection of its heap: the thread waits
 * in `NodePlatform::DrainTasks` for every background task, the optimiser waits for the thread to
 * collect, and the main thread, once its own loop is dry, joins the same wait. The process never
 * exits (caught with gdb in a test process that sorted on a worker that had just answered and
 * closed its port; `sluice drift` could hang the same way after printing).
 *
 * A resident worker's loop does not run dry after its work: idle, it waits for the next
 * request with its handle unref'd, so it keeps nothing alive. When the process ends, the main
 * thread first waits for every background task (the idle worker still collects on request, so
 * its optimiser finishes), and only then stops the workers, with nothing of theirs pending.
 * It also saves starting a thread (about 30 ms) on every call. A worker left idle for half a
 * minute is ended (terminated: by then nothing V8 started for it in the background is pending),
 * so a long-lived process that needed one once does not keep its memory.
 *
 * A pool per source: `run` takes an idle worker (or starts one) for one request and its answer;
 * `acquire`/`release` lend one to a caller with a protocol of its own (shared memory).
 */
import { Worker, type MessagePort, type Transferable } from 'node:worker_threads';

/** What a worker answers to a `run` request: its reply, or the message of what it threw. */
interface Answer {
  readonly reply?: unknown;
  readonly failed?: string;
}

/**
 * The worker side of `run` in a module started as a worker file: every request gets one answer,
 * `handle`'s reply (with what it transfers) or the message of what it threw. Self-contained, so
 * that {@link residentSource} runs its source too.
 */
export function serveResidentRequests<Request>(port: MessagePort, handle: (request: Request) => { reply: unknown; transfer?: Transferable[] }): void {
  port.on('message', (request: Request) => {
    let answer: { reply: unknown; transfer?: Transferable[] };
    try {
      answer = handle(request);
    } catch (error) {
      port.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies Answer);
      return;
    }
    port.postMessage({ reply: answer.reply } satisfies Answer, answer.transfer ?? []);
  });
}

/** The worker side of `run` for a source evaluated as CommonJS, which defines `handle(request)`. */
export function residentSource(handler: string): string {
  return `
const serveResidentRequests = ${serveResidentRequests.toString()};
${handler}
serveResidentRequests(require('node:worker_threads').parentPort, handle);
`;
}

/** How long a worker may stay idle before it is ended. */
export const RESIDENT_IDLE_MS = 30_000;

export class ResidentWorkers {
  private readonly idle: Worker[] = [];
  private readonly lent = new Set<Worker>();
  private readonly idleTimers = new Map<Worker, NodeJS.Timeout>();

  /**
   * @param source a CommonJS source (`eval`) or a module file's URL, whose worker serves
   * requests until the process ends and never closes its port.
   * @param what what the thread does, for messages: "the sorting thread".
   */
  constructor(
    private readonly source: string | URL,
    private readonly what: string,
    private readonly options: { readonly workerData?: unknown; readonly idleMs?: number } = {},
  ) {}

  /**
   * Starts a worker now, left idle, when none is: a caller that will need one in a moment (after
   * loading a model, say) has it ready then, its start-up (loading its code) done meanwhile.
   */
  prewarm(): void {
    if (this.idle.length > 0) return;
    const worker = this.start();
    this.lent.add(worker);
    this.release(worker);
  }

  /** A worker for the caller alone (started if none is idle), until {@link release}. */
  acquire(): Worker {
    const worker = this.idle.pop() ?? this.start();
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
    this.lent.add(worker);
    return worker;
  }

  /** Gives a worker back, idle: it no longer keeps the process alive, and is ended if it stays idle. */
  release(worker: Worker): void {
    if (!this.lent.delete(worker)) return;
    worker.unref();
    this.idle.push(worker);
    this.idleTimers.set(worker, setTimeout(() => this.retire(worker), this.options.idleMs ?? RESIDENT_IDLE_MS).unref());
  }

  private retire(worker: Worker): void {
    this.forget(worker);
    void worker.terminate();
  }

  /** A worker never handed out again (ended, failed or stopped). */
  private forget(worker: Worker): void {
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
    this.lent.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }

  /** One request on an idle worker; resolves with its reply, rejects with what it threw or why it stopped. */
  run<Reply>(request: unknown, transfer: readonly Transferable[] = []): Promise<Reply> {
    const worker = this.acquire();
    // Held while it works: the process waits for the answer.
    worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      const settle = (answer: Answer): void => {
        unlisten();
        this.release(worker);
        if (answer.failed !== undefined) reject(new Error(`${this.what} failed: ${answer.failed}`));
        else resolve(answer.reply as Reply);
      };
      const failed = (error: Error): void => {
        unlisten();
        reject(error);
      };
      const stopped = (code: number): void => {
        unlisten();
        reject(new Error(`${this.what} stopped (exit code ${code}) before it answered`));
      };
      const unlisten = (): void => {
        worker.off('message', settle);
        worker.off('error', failed);
        worker.off('exit', stopped);
      };
      worker.on('message', settle);
      worker.once('error', failed);
      worker.once('exit', stopped);
      worker.postMessage(request, [...transfer]);
    });
  }

  private start(): Worker {
    const worker = new Worker(this.source, { eval: typeof this.source === 'string', workerData: this.options.workerData });
    // A worker that failed or stopped is never handed out again; its caller hears of it
    // through its own listeners ('exit' follows 'error').
    worker.once('exit', () => this.forget(worker));
    // An 'error' with no listener would be thrown in this thread: the request's own listener reports it.
    worker.on('error', () => undefined);
    return worker;
  }
}

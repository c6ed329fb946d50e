/**
 * A request one worker of a cluster asks of every worker (their metrics, a reload): answered
 * once each worker alive when it was asked has answered, or has exited. Without the second
 * half, a worker killed mid fan-out would leave the asking request waiting for ever.
 */
import type { Worker } from 'node:cluster';

interface Pending<Part> {
  readonly origin: Worker;
  readonly waiting: Set<Worker>;
  readonly parts: Part[];
}

export class WorkerFanOut<Part> {
  private readonly pending = new Map<string, Pending<Part>>();

  /** @param complete answers `origin` with what the workers sent (those that exited sent nothing). */
  constructor(private readonly complete: (origin: Worker, id: string, parts: Part[]) => void) {}

  /** Asks every connected worker, through `ask`, on behalf of `origin`. */
  start(id: string, origin: Worker, workers: readonly Worker[], ask: (worker: Worker) => void): void {
    const alive = workers.filter((each) => each.isConnected());
    this.pending.set(id, { origin, waiting: new Set(alive), parts: [] });
    for (const worker of alive) ask(worker);
    this.settle(id);
  }

  /** `worker`'s answer to request `id` (an answer to a request no longer waiting for it is dropped). */
  answer(id: string, worker: Worker, part: Part): void {
    const pending = this.pending.get(id);
    if (!pending?.waiting.delete(worker)) return;
    pending.parts.push(part);
    this.settle(id);
  }

  /** `worker` has exited: no request waits for it any more. */
  exited(worker: Worker): void {
    for (const [id, pending] of [...this.pending]) if (pending.waiting.delete(worker)) this.settle(id);
  }

  private settle(id: string): void {
    const pending = this.pending.get(id);
    if (!pending || pending.waiting.size > 0) return;
    this.pending.delete(id);
    if (pending.origin.isConnected()) this.complete(pending.origin, id, pending.parts);
  }
}

/**
 * Stages handed to a delegate (the queue executor) are prepared one at a time, in the order the
 * scheduler starts them, each after a turn of the event loop.
 *
 * Why: with `--executor queue` the scheduler starts every ready stage at once (200 of them, say).
 * Their preparation (hashing deps, the run-cache lookup, the reporter's line) is almost all
 * promise continuations with no real I/O, so started together they advance in lock step, and the
 * first stage reached the queue only after the last one was prepared, while every worker waited.
 * In the lane, a stage goes on to its delegate as soon as it is ready, and the turn of the event
 * loop between stages lets the replies of the queue (Redis) for the stages already out be read.
 * Order, results and what each stage does are unchanged; only when each starts moves earlier.
 */
export class PreparationLane {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the previous stage to leave the lane; the returned function leaves it (once is enough, twice is harmless). */
  async enter(): Promise<() => void> {
    const previous = this.tail;
    let release: () => void = () => undefined;
    this.tail = new Promise((resolve) => (release = resolve));
    await previous;
    await new Promise((resolve) => setImmediate(resolve));
    return release;
  }
}

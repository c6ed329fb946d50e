/**
 * Stages handed to a delegate (the queue executor) start one turn of the event loop apart, in the
 * order the scheduler starts them.
 *
 * Why: with `--executor queue` the scheduler starts every ready stage at once (200 of them, say).
 * Their preparation (hashing deps through the stat cache, the run-cache lookup in SQLite, the
 * reporter's line) is almost all promise continuations with no real I/O, so started together they
 * advance in lock step, and the first stage reached the queue only after the last one was
 * prepared, while every worker waited. A turn apart, each stage runs as far as its first real wait
 * (for most, the queue's answer) before the next starts, and the turns let the queue's replies
 * for the stages already out be read in between. Nothing is held: a stage that waits on the disk
 * or the network (hashing a large dep, `--pull`) does not hold up the ones after it, and what each
 * stage does, and its result, are unchanged.
 */
export class StartTurns {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves one turn of the event loop after the previous caller's turn. */
  turn(): Promise<void> {
    this.tail = this.tail.then(() => new Promise((resolve) => setImmediate(resolve)));
    return this.tail;
  }
}

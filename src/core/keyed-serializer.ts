/**
 * Tasks run one at a time per key, in the order they were asked for; tasks of different keys run
 * freely. In-process only: it orders the requests one server handles at once, not processes.
 * Hand-written because it is a promise chain per key: the mutex libraries (async-mutex) guard one
 * resource, and a map of mutexes would still need the bookkeeping below to forget idle keys.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` once every task asked for earlier under `key` has settled; resolves or rejects as it does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // A key with nothing queued is forgotten: the map holds only keys with work in flight.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (for tests and diagnostics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}

/**
 * The latest request ids a process answered: at least the latest `capacity` of them, at most
 * twice that. Two generations of sets: ids go into the newer one, and when it holds `capacity`
 * ids the older one is dropped whole and the newer one takes its place. One set insertion a
 * request, and forgetting costs nothing per id.
 *
 * Not one set trimmed through `set.values().next()`: V8 leaves a deleted entry in place until the
 * table is rebuilt, so finding the oldest walks past every entry deleted since, and at 100,000
 * ids that cost 20–60 µs a request (more than the rest of the request's own work).
 */
export class RecentIds {
  private newer = new Set<string>();
  private older = new Set<string>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  add(id: string): void {
    if (this.newer.size >= this.capacity) {
      this.older = this.newer;
      this.newer = new Set();
    }
    this.newer.add(id);
  }

  has(id: string): boolean {
    return this.newer.has(id) || this.older.has(id);
  }
}

/**
 * The server's one bound on requests handled at once (`--max-in-flight`), shared by REST and
 * gRPC: a request beyond it is shed (503 with Retry-After, or gRPC UNAVAILABLE) rather than queued
 * without bound.
 */
import type { ServingMetrics } from './metrics.js';

export class InFlightLimit {
  private count = 0;

  constructor(
    readonly limit: number,
    private readonly metrics: ServingMetrics,
  ) {
    // Read when scraped: setting a gauge twice a request cost more than the request's own bookkeeping.
    metrics.readInFlightFrom(() => this.count);
  }

  /** Whether every slot is taken (a request now would be shed). */
  full(): boolean {
    return this.count >= this.limit;
  }

  /** Takes a slot, or counts the request as shed and returns false. */
  tryEnter(): boolean {
    if (this.count >= this.limit) {
      this.metrics.shed.inc();
      return false;
    }
    this.count++;
    return true;
  }

  /** Gives back a slot taken by {@link tryEnter}. */
  leave(): void {
    this.count--;
  }
}

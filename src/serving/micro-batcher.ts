/**
 * Adaptive micro-batching: requests that arrive together share one onnxruntime call. While a
 * batch runs, new requests queue; when it ends they go as the next batch at once. An idle model
 * runs a request at once (`maxDelayMs` 0, the default: no timer, no wait), or waits up to a
 * positive `maxDelayMs` for company (an opt-in). A batch never exceeds `maxBatchSize` rows; a
 * request of that many rows or more runs alone, at once.
 */
import { concatParts, sliceRows, type FeedPart } from './feed.js';

export interface BatcherOptions {
  /** Rows per call at most; 1 turns batching off (every request runs on its own, concurrently). */
  readonly maxBatchSize: number;
  /** 0: an idle model runs a request at once, and only requests arriving during a batch coalesce. */
  readonly maxDelayMs: number;
  /** Arms the opt-in wait of a positive `maxDelayMs` (tests count its calls); `setTimeout` by default. */
  readonly setTimer?: (callback: () => void, ms: number) => NodeJS.Timeout;
  /** Observes each call's size, for metrics (`model` is filled in by the served model). */
  readonly onBatch?: (rows: number, requests: number, model?: string) => void;
}

/** `sluice serve`'s defaults: batches of up to 32 rows, and no wait when idle. */
export const DEFAULT_BATCHING = { maxBatchSize: 32, maxDelayMs: 0 } as const satisfies BatcherOptions;

interface Waiting {
  readonly part: FeedPart;
  resolve(output: FeedPart): void;
  reject(error: unknown): void;
}

/** What must agree for parts to be concatenated: each tensor's name, type and row shape. */
function shapeKey(part: FeedPart): string {
  return Object.entries(part.tensors)
    .map(([name, tensor]) => `${name}:${tensor.type}:${tensor.rowShape.join('x')}`)
    .join('|');
}

export class MicroBatcher {
  private queue: Waiting[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (part: FeedPart) => Promise<FeedPart>,
    private readonly options: BatcherOptions,
  ) {}

  /** Runs a request's rows, alone or with others; resolves with its own rows of the outputs. */
  infer(part: FeedPart): Promise<FeedPart> {
    // A request that fills a batch on its own gains nothing from waiting: it runs at once, beside the queue.
    if (this.options.maxBatchSize <= 1 || part.rows >= this.options.maxBatchSize) {
      this.options.onBatch?.(part.rows, 1);
      return this.run(part);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ part, resolve, reject });
      this.queuedRows += part.rows;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    // Idle with no wait asked for (or a full batch waiting): run now. The rest of this turn's
    // requests queue behind the running batch and go together as the next one.
    if (this.options.maxDelayMs <= 0 || this.queuedRows >= this.options.maxBatchSize) {
      this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = (this.options.setTimer ?? setTimeout)(() => this.flush(), this.options.maxDelayMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.queue.length === 0) return;
    let batch: Waiting[];
    let rows: number;
    if (this.queue.length === 1) {
      // One request waiting (an idle server's every request): no shapes to compare.
      batch = this.queue;
      rows = batch[0]!.part.rows;
      this.queue = [];
    } else {
      batch = [];
      rows = 0;
      // Only requests whose tensors agree past the batch dimension can share a call (a model with a
      // free feature width takes [1,3] and [1,2], but not together).
      const shape = shapeKey(this.queue[0]!.part);
      for (let k = 0; k < this.queue.length && rows < this.options.maxBatchSize; ) {
        const next = this.queue[k]!;
        if (shapeKey(next.part) === shape && (batch.length === 0 || rows + next.part.rows <= this.options.maxBatchSize)) {
          batch.push(next);
          rows += next.part.rows;
          this.queue.splice(k, 1);
        } else k++;
      }
    }
    this.queuedRows -= rows;
    this.running = true;
    this.options.onBatch?.(rows, batch.length);
    let output: Promise<FeedPart>;
    try {
      output = this.run(batch.length === 1 ? batch[0]!.part : concatParts(batch.map((waiting) => waiting.part)));
    } catch (error) {
      output = Promise.reject(error);
    }
    output
      .then(
        (result) => {
          let start = 0;
          for (const waiting of batch) {
            waiting.resolve(batch.length === 1 ? result : sliceRows(result, start, start + waiting.part.rows));
            start += waiting.part.rows;
          }
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      )
      // Cutting the outputs can fail (an output of an unexpected shape): the requests not yet
      // answered fail with it (rejecting an answered one changes nothing), and the model goes on.
      .catch((error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      })
      .finally(() => this.next());
  }

  /** The batch is done: what queued meanwhile goes now (under load, batches follow each other without a wait). */
  private next(): void {
    this.running = false;
    if (this.queue.length > 0) this.flush();
  }
}

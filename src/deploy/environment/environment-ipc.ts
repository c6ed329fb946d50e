/**
 * An environment served by several workers (`sluice serve --env NAME --workers N`): the primary
 * runs the control loop and the live window, so analysis sees every worker's traffic; the workers
 * serve. These are the messages between them (over Node's cluster IPC) and their two ends:
 *
 *  - primary → workers: the routing state after every tick (versions, policy, the rollout it
 *    belongs to) and the shadow comparison so far;
 *  - workers → primary: what each answered (requests, answers, shadow comparisons), batched every
 *    RELAY_INTERVAL_MS so a request costs no message of its own;
 *  - worker → primary → worker: feedback entries to join, and the outcome. A label may reach one
 *    worker before the worker that answered its request has relayed the answer: an id the
 *    primary does not know yet makes it ask every worker to flush, and join again.
 */
import { randomUUID } from 'node:crypto';
import type { FeedbackEntry, FeedbackOutcome, LiveRecorder, LiveWindow, RowPredictions } from '../../serving/index.js';
import { joinFeedback } from '../../serving/index.js';
import type { RoutingState } from './routing-state.js';
import type { ShadowComparison } from './shadow-comparison.js';

/** How often a worker sends what it recorded. */
export const RELAY_INTERVAL_MS = 50;

export type EnvironmentMessage =
  | { readonly type: 'sluice-env:routing'; readonly state: RoutingState; readonly rolloutId: string | undefined; readonly shadow: ReturnType<ShadowComparison['summary']> | undefined }
  | {
      readonly type: 'sluice-env:records';
      readonly requests: readonly (readonly [string, number, boolean])[];
      readonly answers: readonly (readonly [string, string, RowPredictions])[];
      readonly shadows: readonly (readonly [RowPredictions, RowPredictions])[];
    }
  | { readonly type: 'sluice-env:feedback'; readonly id: string; readonly entries: readonly FeedbackEntry[] }
  | { readonly type: 'sluice-env:feedback-outcome'; readonly id: string; readonly outcome: FeedbackOutcome }
  | { readonly type: 'sluice-env:flush'; readonly id: string }
  | { readonly type: 'sluice-env:flushed'; readonly id: string }
  | { readonly type: 'sluice-env:listening'; readonly url: string }
  | { readonly type: 'sluice-env:failed'; readonly message: string; readonly exitCode: number };

export function isEnvironmentMessage(value: unknown): value is EnvironmentMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && (value as { type: string }).type.startsWith('sluice-env:');
}

/** A worker's recorder: keeps what it answered and sends it to the primary in batches. */
export class RelayRecorder implements LiveRecorder {
  private requests: [string, number, boolean][] = [];
  private answers: [string, string, RowPredictions][] = [];
  private shadows: [RowPredictions, RowPredictions][] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly send: (message: EnvironmentMessage) => void) {
    this.timer = setInterval(() => this.flush(), RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  recordRequest(version: string, latencyMs: number, failed: boolean): void {
    this.requests.push([version, latencyMs, failed]);
  }

  recordAnswer(requestId: string, version: string, predictions: RowPredictions): void {
    this.answers.push([requestId, version, predictions]);
  }

  compareShadow(stable: RowPredictions, shadow: RowPredictions): void {
    this.shadows.push([stable, shadow]);
  }

  /** Sends what is pending (also before a feedback question, so its answers are known first). */
  flush(): void {
    if (this.requests.length === 0 && this.answers.length === 0 && this.shadows.length === 0) return;
    const message: EnvironmentMessage = { type: 'sluice-env:records', requests: this.requests, answers: this.answers, shadows: this.shadows };
    this.requests = [];
    this.answers = [];
    this.shadows = [];
    this.send(message);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** How long the primary waits for workers to flush before answering an unknown id. */
const FLUSH_TIMEOUT_MS = 1000;

/** The primary's end: what workers relay goes into the live window; feedback is joined there. */
export class EnvironmentHub {
  private readonly flushes = new Map<string, { waiting: number; done: () => void }>();

  constructor(
    private readonly live: LiveWindow,
    private readonly compareShadow: (stable: RowPredictions, shadow: RowPredictions) => void,
    /** The workers to ask for a flush: a send per connected worker. */
    private readonly workers: () => readonly ((message: EnvironmentMessage) => void)[],
  ) {}

  /** Handles a worker's message; `reply` answers that worker. */
  receive(message: EnvironmentMessage, reply: (message: EnvironmentMessage) => void): void {
    if (message.type === 'sluice-env:records') {
      // Answers first: a request's record and its answer arrive in the same batch.
      for (const [id, version, predictions] of message.answers) this.live.recordAnswer(id, version, predictions);
      for (const [version, ms, failed] of message.requests) this.live.recordRequest(version, ms, failed);
      for (const [stable, shadow] of message.shadows) this.compareShadow(stable, shadow);
    } else if (message.type === 'sluice-env:flushed') {
      const pending = this.flushes.get(message.id);
      if (pending && --pending.waiting === 0) pending.done();
    } else if (message.type === 'sluice-env:feedback') {
      void this.join(message.entries).then((outcome) => reply({ type: 'sluice-env:feedback-outcome', id: message.id, outcome }));
    }
  }

  private async join(entries: readonly FeedbackEntry[]): Promise<FeedbackOutcome> {
    const outcome = joinFeedback(this.live, entries);
    if (!('unknown' in outcome)) return outcome;
    await this.flushAll();
    return joinFeedback(this.live, entries);
  }

  /** Asks every worker to send what it holds; resolves when all have (or after FLUSH_TIMEOUT_MS). */
  private flushAll(): Promise<void> {
    const sends = this.workers();
    if (sends.length === 0) return Promise.resolve();
    const id = randomUUID();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, FLUSH_TIMEOUT_MS);
      const flushes = this.flushes;
      function done(): void {
        clearTimeout(timer);
        flushes.delete(id);
        resolve();
      }
      this.flushes.set(id, { waiting: sends.length, done });
      for (const send of sends) send({ type: 'sluice-env:flush', id });
    });
  }
}

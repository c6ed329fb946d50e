/**
 * What an environment's analysis measures, kept in the serving process: per model version, each
 * answered request (its time, latency and whether it failed with a 5xx), the values of each
 * answer's prediction output (for prediction drift), and the answers that feedback labelled (for
 * live accuracy). Every series is a ring of fixed size, so memory stays bounded however long a
 * rollout runs; requests and answers are pushed in time order, so "since T" is a binary search.
 *
 * Answers wait for their label in a map by request id, bounded too (the oldest is forgotten
 * first). It implements the three data sources the analysis providers read
 * (`RequestStatsSource`, `FeedbackSource`, `PredictionSource`), structurally: serving does not
 * import the deploy domain.
 */
import { PendingAnswers } from './pending-answers.js';
import type { RowPredictions } from './served-model.js';

/** Bounds of the window; the defaults hold about 10 MB. */
export interface LiveWindowOptions {
  /** Requests remembered per version. */
  readonly requests?: number;
  /** Answer rows (prediction values) remembered per version. */
  readonly rows?: number;
  /** Answers waiting for a label, across versions. */
  readonly pending?: number;
  /** Labelled answers remembered per version. */
  readonly labelled?: number;
  readonly clock?: () => number;
}

/** What the serving path records for analysis: the live window itself, or (a worker of several) a relay to the one that measures. */
export interface LiveRecorder {
  recordRequest(version: string, latencyMs: number, failed: boolean): void;
  recordAnswer(requestId: string, version: string, predictions: RowPredictions): void;
}

/** Why a label cannot be joined (an unknown request id, a label of the wrong kind). */
export type JoinProblem =
  | { readonly kind: 'unknown-request'; readonly requestId: string }
  /** Its label joined already (a client retrying after a timeout): nothing to join again. */
  | { readonly kind: 'already-joined'; readonly requestId: string }
  | { readonly kind: 'wrong-label'; readonly requestId: string; readonly problem: string };

/** A numeric ring with a parallel ring of times (hand-written: a typed-array ring is a dozen lines, and no maintained package keeps a time index beside it). */
class TimedRing {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(time: number, value: number): void {
    this.times[this.next] = time;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The values pushed at or after `since`, oldest first. */
  since(since: number): Float64Array {
    const start = (this.next - this.size + this.capacity) % this.capacity;
    const at = (k: number) => this.times[(start + k) % this.capacity]!;
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(middle) < since) low = middle + 1;
      else high = middle;
    }
    const out = new Float64Array(this.size - low);
    for (let k = low; k < this.size; k++) out[k - low] = this.values[(start + k) % this.capacity]!;
    return out;
  }
}

/** One version's series. */
class VersionWindow {
  /** Latency in ms, negated for a failed request (a latency is never negative, so one ring holds both). */
  readonly requests: TimedRing;
  readonly outputs: TimedRing;
  readonly labelled: { time: number; predictions: RowPredictions; row: number; label: string | number }[] = [];
  classes: readonly string[] = [];
  kind: RowPredictions['kind'] = 'probabilities';

  constructor(options: Required<Omit<LiveWindowOptions, 'clock' | 'pending'>>) {
    this.requests = new TimedRing(options.requests);
    this.outputs = new TimedRing(options.rows);
  }
}

export class LiveWindow implements LiveRecorder {
  private readonly versions = new Map<string, VersionWindow>();
  private readonly pending: PendingAnswers;
  private readonly bounds: Required<Omit<LiveWindowOptions, 'clock'>>;
  private readonly clock: () => number;

  /**
   * Request ids whose label joined, with that label (as JSON) and their slot in a ring of the
   * newest `pending` of them: a retried label is recognised, and a different one refused.
   */
  private readonly joined = new Map<string, { readonly label: string; readonly slot: number }>();
  private readonly joinedOrder: (string | undefined)[];
  private joinedNext = 0;

  constructor(options: LiveWindowOptions = {}) {
    this.bounds = { requests: options.requests ?? 200_000, rows: options.rows ?? 200_000, pending: options.pending ?? 100_000, labelled: options.labelled ?? 50_000 };
    this.clock = options.clock ?? Date.now;
    this.pending = new PendingAnswers(this.bounds.pending);
    this.joinedOrder = new Array<string | undefined>(this.bounds.pending);
  }

  private rememberJoined(requestId: string, label: unknown): void {
    const slot = this.joinedNext;
    const evicted = this.joinedOrder[slot];
    // An id joined again since (a client reusing ids) stays until its newest slot goes.
    if (evicted !== undefined && this.joined.get(evicted)?.slot === slot) this.joined.delete(evicted);
    this.joinedOrder[slot] = requestId;
    this.joinedNext = (slot + 1) % this.joinedOrder.length;
    this.joined.set(requestId, { label: JSON.stringify(label), slot });
  }

  private of(version: string): VersionWindow {
    let window = this.versions.get(version);
    if (!window) {
      window = new VersionWindow(this.bounds);
      this.versions.set(version, window);
    }
    return window;
  }

  /** A request a version answered (or failed), with its latency. */
  recordRequest(version: string, latencyMs: number, failed: boolean): void {
    this.of(version).requests.push(this.clock(), failed ? -Math.max(latencyMs, Number.MIN_VALUE) : latencyMs);
  }

  /**
   * A version's answer to a request: its prediction values join the drift window, and it waits
   * under the request id for a label. A shadow answer waits beside the answer that was returned.
   */
  recordAnswer(requestId: string, version: string, predictions: RowPredictions): void {
    const window = this.of(version);
    window.kind = predictions.kind;
    if (predictions.kind === 'probabilities') window.classes = predictions.classes;
    const now = this.clock();
    for (const row of predictions.rows) window.outputs.push(now, typeof row === 'number' ? row : (row[row.length - 1] ?? Number.NaN));
    this.pending.add(requestId, version, predictions);
  }

  /** Whether a label for `requestId` would join (the request is known and the label fits), without joining it. */
  check(requestId: string, label: unknown): JoinProblem | undefined {
    const answers = this.pending.get(requestId);
    if (!answers) {
      const joined = this.joined.get(requestId);
      if (!joined) return { kind: 'unknown-request', requestId };
      // A retry sends the same label; another one would change what was judged: refused.
      if (JSON.stringify(label) === joined.label) return { kind: 'already-joined', requestId };
      return { kind: 'wrong-label', requestId, problem: `request "${requestId}" was labelled ${joined.label} already, and a label joins once (${JSON.stringify(label)} was not joined)` };
    }
    for (const answer of answers) {
      const rows = answer.predictions.rows.length;
      const labels = Array.isArray(label) ? label : [label];
      if (labels.length !== rows) return { kind: 'wrong-label', requestId, problem: `request "${requestId}" had ${rows} row(s), so give ${rows === 1 ? 'one label' : `a list of ${rows} labels`} (got ${labels.length})` };
      for (const each of labels) {
        const problem = labelProblem(answer.predictions, each);
        if (problem) return { kind: 'wrong-label', requestId, problem: `request "${requestId}": ${problem}` };
      }
    }
    return undefined;
  }

  /** Joins a label (one, or one per row) to every answer given to `requestId`; check() it first. */
  join(requestId: string, label: unknown): void {
    const answers = this.pending.get(requestId);
    if (!answers) return;
    this.pending.delete(requestId);
    this.rememberJoined(requestId, label);
    const labels = Array.isArray(label) ? label : [label];
    const now = this.clock();
    for (const answer of answers) {
      const window = this.of(answer.version);
      const predictions = answer.predictions;
      predictions.rows.forEach((_, row) => {
        const label = predictions.kind === 'values' ? Number(labels[row]) : (classOf(predictions.classes, labels[row]) ?? String(labels[row]));
        window.labelled.push({ time: now, predictions, row, label });
      });
      // Trimmed a quarter at a time: one splice per label would copy the whole array each time.
      if (window.labelled.length > this.bounds.labelled * 1.25) window.labelled.splice(0, window.labelled.length - this.bounds.labelled);
    }
  }

  /** RequestStatsSource: a version's requests since `since`. */
  requestStats(version: string, since: number): { count: number; errors: number; latenciesMs: Float64Array } {
    const signed = this.versions.get(version)?.requests.since(since) ?? new Float64Array(0);
    let errors = 0;
    const latenciesMs = new Float64Array(signed.length);
    signed.forEach((value, k) => {
      if (value < 0) errors++;
      latenciesMs[k] = Math.abs(value);
    });
    return { count: signed.length, errors, latenciesMs };
  }

  /** PredictionSource: a version's prediction values since `since` (a classifier's last class probability, the positive class of a binary one). */
  outputs(version: string, since: number): Float64Array {
    return this.versions.get(version)?.outputs.since(since) ?? new Float64Array(0);
  }

  /** FeedbackSource: a version's labelled answers since `since`. */
  labelled(version: string, since: number):
    | { kind: 'classification'; classes: readonly string[]; probabilities: Float64Array; labels: string[] }
    | { kind: 'regression'; predictions: Float64Array; labels: Float64Array } {
    const window = this.versions.get(version);
    const entries = window?.labelled.filter((entry) => entry.time >= since) ?? [];
    if (window?.kind === 'values') {
      return {
        kind: 'regression',
        predictions: Float64Array.from(entries, (entry) => (entry.predictions as Extract<RowPredictions, { kind: 'values' }>).rows[entry.row]!),
        labels: Float64Array.from(entries, (entry) => Number(entry.label)),
      };
    }
    const classes = window?.classes ?? [];
    const probabilities = new Float64Array(entries.length * classes.length);
    entries.forEach((entry, k) => {
      const row = (entry.predictions as Extract<RowPredictions, { kind: 'probabilities' }>).rows[entry.row]!;
      for (let c = 0; c < classes.length; c++) probabilities[k * classes.length + c] = row[c] ?? Number.NaN;
    });
    return { kind: 'classification', classes, probabilities, labels: entries.map((entry) => String(entry.label)) };
  }
}

/** Why `label` is not a label of this answer's kind, or undefined when it is. */
function labelProblem(predictions: RowPredictions, label: unknown): string | undefined {
  if (predictions.kind === 'values') return typeof label === 'number' && Number.isFinite(label) ? undefined : `a regression model's label is a number, not ${JSON.stringify(label)}`;
  if (classOf(predictions.classes, label) !== undefined) return undefined;
  return `the label must be one of the model's classes ${JSON.stringify(predictions.classes)} (or the value before "=" of one), not ${JSON.stringify(label)}`;
}

/** The class a label names: the class itself, or the value a `1=benign` class stands for (as `sluice eval` reads labels). */
export function classOf(classes: readonly string[], label: unknown): string | undefined {
  if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') return undefined;
  const text = String(label);
  return classes.find((name) => name === text) ?? classes.find((name) => name.indexOf('=') > 0 && name.slice(0, name.indexOf('=')) === text);
}

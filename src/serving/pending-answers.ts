/**
 * Answers waiting for their label, by request id: a ring of a fixed number of slots, the oldest
 * overwritten first, and a map from request id to the slot of its latest answer (a shadow's answer
 * links to the returned one). Kept in parallel arrays, holding each answer's prediction values by
 * reference, so the hundred thousand answers an environment remembers cost the garbage collector
 * a map entry each rather than five objects (measured: remembering them as objects cost a 50/50
 * canary about a sixth of its requests/s). Hand-written: no maintained package keys a bounded
 * ring by string with per-key chains.
 */
import type { RowPredictions } from './served-model.js';

/** One remembered answer, rebuilt when a label comes. */
export interface PendingAnswer {
  readonly version: string;
  readonly predictions: RowPredictions;
}

/** Links followed at most per request id (its answer and a shadow's; more only if an id is reused). */
const MAX_ANSWERS_PER_ID = 8;

export class PendingAnswers {
  private readonly ids: (string | undefined)[];
  private readonly versions: string[];
  private readonly classes: (readonly string[] | undefined)[];
  /** A classifier's probabilities (row-major) or a regressor's values, by reference when possible. */
  private readonly values: (readonly number[])[];
  private readonly rows: Int32Array;
  private readonly previous: Int32Array;
  private readonly latest = new Map<string, number>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ids = new Array<string | undefined>(capacity);
    this.versions = new Array<string>(capacity);
    this.classes = new Array<readonly string[] | undefined>(capacity);
    this.values = new Array<readonly number[]>(capacity);
    this.rows = new Int32Array(capacity);
    this.previous = new Int32Array(capacity).fill(-1);
  }

  add(requestId: string, version: string, predictions: RowPredictions): void {
    const slot = this.next;
    this.next = (this.next + 1) % this.capacity;
    const evicted = this.ids[slot];
    if (evicted !== undefined && this.latest.get(evicted) === slot) this.latest.delete(evicted);
    this.ids[slot] = requestId;
    this.versions[slot] = version;
    this.rows[slot] = predictions.rows.length;
    if (predictions.kind === 'values') {
      this.classes[slot] = undefined;
      this.values[slot] = predictions.rows;
    } else {
      this.classes[slot] = predictions.classes;
      this.values[slot] = predictions.rows.length === 1 ? predictions.rows[0]! : predictions.rows.flat();
    }
    this.previous[slot] = this.latest.get(requestId) ?? -1;
    this.latest.set(requestId, slot);
  }

  /** Every answer remembered for `requestId` (newest first), or undefined when none is. */
  get(requestId: string): PendingAnswer[] | undefined {
    let slot = this.latest.get(requestId);
    if (slot === undefined) return undefined;
    const answers: PendingAnswer[] = [];
    while (slot >= 0 && this.ids[slot] === requestId && answers.length < MAX_ANSWERS_PER_ID) {
      answers.push({ version: this.versions[slot]!, predictions: this.predictionsAt(slot) });
      slot = this.previous[slot]!;
    }
    return answers;
  }

  delete(requestId: string): void {
    this.latest.delete(requestId);
  }

  private predictionsAt(slot: number): RowPredictions {
    const values = this.values[slot]!;
    const classes = this.classes[slot];
    if (classes === undefined) return { kind: 'values', rows: values };
    const count = this.rows[slot]!;
    const width = count === 0 ? 0 : values.length / count;
    return { kind: 'probabilities', classes, rows: Array.from({ length: count }, (_, row) => values.slice(row * width, (row + 1) * width)) };
  }
}

/**
 * Decoded rows of the prediction log, column by column: one Float64Array per feature (with a tag
 * per cell for missing values and cells that are not numbers) and the answers as numbers. A
 * window of a million logged predictions would otherwise be a million parsed requests and a
 * million row objects held at once, which costs gigabytes and most of a pass in garbage
 * collection; decoded as the log is read, each parsed request dies young. The few cells that are
 * neither numbers nor missing (text, booleans) are kept as they were, so what the checks see is
 * exactly what the rows held.
 *
 * Rows scanned from the log arrive a request at a time, row-major; they wait in a small block and
 * go into the columns a block at a time, so each column is written in runs. Written a row at a
 * time, every row touches every column's memory (60 arrays for 30 features), and the cache misses
 * cost more than the scanning.
 */
import type { LoggedRow } from './logged-rows.js';
import { sharedColumns, type ArenaColumns } from './shared-columns.js';

/** A cell's kind: a number (in `values`), missing (null, absent, NaN), or anything else (kept aside, empty text too). */
export const CELL_NUMBER = 0;
export const CELL_MISSING = 1;
export const CELL_OTHER = 2;

/** An answer's kind: none understood, a number, or probabilities in the signature's class order. */
const ANSWER_NONE = 0;
const ANSWER_NUMBER = 1;
const ANSWER_CLASSES = 2;
const ANSWER_OTHER = 3;

/** Rows held row-major before they go into the columns (see the module comment). */
const BLOCK_ROWS = 512;

function grown<T extends Float64Array | Uint8Array | Uint32Array>(array: T, length: number): T {
  if (length <= array.length) return array;
  const size = Math.max(length, array.length * 2);
  // Shared memory stays shared: a column handed over is sorted by another thread where it is.
  const next = array.buffer instanceof SharedArrayBuffer ? (new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(size * array.BYTES_PER_ELEMENT))) : new (array.constructor as new (size: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * An arena's rows as plain data, to move them to another thread's arena (see parallel-decode.ts).
 * Their request ids are not in it: a row's is its record's, which travels with the records.
 */
export interface ArenaRows {
  readonly length: number;
  readonly values: readonly Float64Array[];
  readonly tags: readonly Uint8Array[];
  readonly otherCells: readonly (readonly [number, unknown])[];
  readonly positions: Uint32Array;
  readonly answerTags: Uint8Array;
  readonly answers: Float64Array;
  readonly otherAnswers: readonly (readonly [number, Exclude<LoggedRow['prediction'], undefined>])[];
  /**
   * Set when the rows' cells are still in the shared columns the arena was given (`room`), from
   * index `at` of their buffers: an arena over the same columns, before them, moves them down
   * instead of copying them.
   */
  readonly inPlace?: { readonly room: string; readonly at: number } | undefined;
}

export class RowArena {
  length = 0;
  private readonly width: number;
  private values: Float64Array[];
  private tags: Uint8Array[];
  private readonly otherCells = new Map<number, unknown>();
  private readonly ids: string[] = [];
  private positions = new Uint32Array(1024);
  private answerTags = new Uint8Array(1024);
  private answers: Float64Array;
  private readonly otherAnswers = new Map<number, Exclude<LoggedRow['prediction'], undefined>>();
  private readonly pendingValues: Float64Array;
  private readonly pendingTags: Uint8Array;
  /** The arena row of the first pending row, and how many are pending. */
  private pendingFrom = 0;
  private pendingCount = 0;
  /** Columns given out by takeColumn. */
  private readonly taken = new Set<number>();
  /** The columns given at construction, if any (inGivenColumns says whether the arena still writes into them). */
  private readonly given: ArenaColumns | undefined;

  constructor(
    readonly features: readonly string[],
    readonly classes: readonly string[],
    columns?: ArenaColumns,
  ) {
    this.width = Math.max(1, classes.length);
    // Shared, so that a column handed over for drift can be sorted on another thread without a copy.
    const own = columns ?? sharedColumns(features.length, 1024);
    this.values = [...own.values];
    this.tags = [...own.tags];
    this.given = columns;
    this.answers = new Float64Array(1024 * this.width);
    this.pendingValues = new Float64Array(BLOCK_ROWS * features.length);
    this.pendingTags = new Uint8Array(BLOCK_ROWS * features.length);
  }

  /** Makes room for `rows` rows at once (a reader that knows about how many are coming); given columns stay as given until rows outgrow them. */
  expect(rows: number): void {
    this.reserve(Math.ceil(rows), this.given === undefined);
  }

  /** Whether the feature columns are still those given at construction. */
  private inGivenColumns(): boolean {
    return this.given !== undefined && this.values.every((values, f) => values.buffer === this.given!.values[f]!.buffer) && this.tags.every((tags, f) => tags.buffer === this.given!.tags[f]!.buffer);
  }

  /** Appends the rows of one request; returns the arena row of the first. */
  push(rows: readonly LoggedRow[]): number {
    // Pending rows are the last ones: they go in first, so that these rows follow them.
    if (this.pendingCount > 0) this.flush();
    const start = this.length;
    const end = start + rows.length;
    this.reserve(end);
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      const at = start + k;
      this.ids.push(row.requestId);
      this.positions[at] = row.index;
      for (let f = 0; f < this.features.length; f++) this.putCell(at, f, row.features[this.features[f]!]);
      this.putAnswer(at, row.prediction);
    }
    this.length = end;
    return start;
  }

  /**
   * Appends the rows of one request scanned straight from the log: `count` rows of cells
   * row-major (a number, or NaN tagged CELL_MISSING) and, per row, the class probabilities in the
   * signature's order; returns the arena row of the first.
   */
  pushScanned(requestId: string, count: number, values: Float64Array, tags: Uint8Array, probabilities: Float64Array): number {
    const start = this.length;
    this.reserve(start + count);
    const width = this.features.length;
    if (this.pendingCount + count > BLOCK_ROWS) this.flush();
    if (count > BLOCK_ROWS) {
      // A request larger than a block goes straight into the columns.
      this.writeRows(start, count, values, tags);
    } else {
      if (this.pendingCount === 0) this.pendingFrom = start;
      this.pendingValues.set(values.subarray(0, count * width), this.pendingCount * width);
      this.pendingTags.set(tags.subarray(0, count * width), this.pendingCount * width);
      this.pendingCount += count;
    }
    const classes = this.classes.length;
    for (let k = 0; k < count; k++) {
      const at = start + k;
      this.ids.push(requestId);
      this.positions[at] = k;
      this.answerTags[at] = ANSWER_CLASSES;
      for (let c = 0; c < classes; c++) this.answers[at * this.width + c] = probabilities[k * classes + c]!;
    }
    this.length = start + count;
    return start;
  }

  /** Writes the pending rows into the columns. */
  private flush(): void {
    this.writeRows(this.pendingFrom, this.pendingCount, this.pendingValues, this.pendingTags);
    this.pendingCount = 0;
  }

  /** Writes `count` rows held row-major into the columns from arena row `from`, column by column. */
  private writeRows(from: number, count: number, values: Float64Array, tags: Uint8Array): void {
    const width = this.features.length;
    for (let f = 0; f < width; f++) {
      const column = this.values[f]!;
      const columnTags = this.tags[f]!;
      for (let k = 0; k < count; k++) {
        column[from + k] = values[k * width + f]!;
        columnTags[from + k] = tags[k * width + f]!;
      }
    }
  }

  /** The rows as plain data (the columns' shared memory is not copied when posted to another thread). */
  exportRows(): ArenaRows {
    if (this.pendingCount > 0) this.flush();
    const length = this.length;
    return {
      length,
      values: this.values.map((values) => values.subarray(0, length)),
      tags: this.tags.map((tags) => tags.subarray(0, length)),
      otherCells: [...this.otherCells],
      positions: this.positions.subarray(0, length),
      answerTags: this.answerTags.subarray(0, length),
      answers: this.answers.subarray(0, length * this.width),
      otherAnswers: [...this.otherAnswers],
      inPlace: this.features.length > 0 && this.inGivenColumns() ? { room: this.given!.room, at: this.values[0]!.byteOffset / Float64Array.BYTES_PER_ELEMENT } : undefined,
    };
  }

  /**
   * Appends another arena's rows (same features and classes), `requestIds` giving each row's
   * request id (by its row in `rows`); returns the arena row of the first.
   */
  appendRows(rows: ArenaRows, requestIds: readonly string[]): number {
    if (this.pendingCount > 0) this.flush();
    const start = this.length;
    const at = rows.inPlace?.at;
    if (at !== undefined && this.features.length > 0 && this.inGivenColumns() && this.values[0]!.byteOffset === 0 && start <= at && rows.inPlace!.room === this.given!.room) {
      // The rows were written into these columns' buffers further on: moved down in place.
      for (let f = 0; f < this.features.length; f++) {
        const values = new Float64Array(this.values[f]!.buffer, 0, at + rows.length);
        values.copyWithin(start, at, at + rows.length);
        this.values[f] = values;
        const tags = new Uint8Array(this.tags[f]!.buffer, 0, at + rows.length);
        tags.copyWithin(start, at, at + rows.length);
        this.tags[f] = tags;
      }
    } else {
      this.reserve(start + rows.length);
      for (let f = 0; f < this.features.length; f++) {
        this.values[f]!.set(rows.values[f]!, start);
        this.tags[f]!.set(rows.tags[f]!, start);
      }
    }
    this.reserve(start + rows.length);
    for (const [cell, value] of rows.otherCells) this.otherCells.set(cell + start * this.features.length, value);
    for (let row = 0; row < rows.length; row++) this.ids.push(requestIds[row]!);
    this.positions.set(rows.positions, start);
    this.answerTags.set(rows.answerTags, start);
    this.answers.set(rows.answers, start * this.width);
    for (const [row, answer] of rows.otherAnswers) this.otherAnswers.set(row + start, answer);
    this.length = start + rows.length;
    return start;
  }

  /** Appends rows `from` to `from + count` of another arena (same features and classes), e.g. rows still waiting for their window; returns the arena row of the first. */
  copyRows(source: RowArena, from: number, count: number): number {
    if (this.pendingCount > 0) this.flush();
    if (source.pendingCount > 0) source.flush();
    const start = this.length;
    this.reserve(start + count);
    for (let f = 0; f < this.features.length; f++) {
      this.values[f]!.set(source.values[f]!.subarray(from, from + count), start);
      this.tags[f]!.set(source.tags[f]!.subarray(from, from + count), start);
    }
    for (let row = from; row < from + count; row++) this.ids.push(source.ids[row]!);
    this.positions.set(source.positions.subarray(from, from + count), start);
    this.answerTags.set(source.answerTags.subarray(from, from + count), start);
    this.answers.set(source.answers.subarray(from * this.width, (from + count) * this.width), start * this.width);
    const width = this.features.length;
    for (const [cell, value] of source.otherCells) if (cell >= from * width && cell < (from + count) * width) this.otherCells.set(cell + (start - from) * width, value);
    for (const [row, answer] of source.otherAnswers) if (row >= from && row < from + count) this.otherAnswers.set(row + start - from, answer);
    this.length = start + count;
    return start;
  }

  /** Empties the arena, keeping its memory for the rows to come (only while intact). */
  clear(): void {
    if (!this.intact) throw new Error('internal: an arena that handed a column over cannot be reused');
    this.length = 0;
    this.pendingCount = 0;
    this.ids.length = 0;
    this.otherCells.clear();
    this.otherAnswers.clear();
  }

  /** Whether every column is still the arena's own: none was handed over (and perhaps sorted) by takeColumn. */
  get intact(): boolean {
    return this.taken.size === 0;
  }

  requestId(row: number): string {
    return this.ids[row]!;
  }

  index(row: number): number {
    return this.positions[row]!;
  }

  /** A feature's numbers (NaN unless a number) and tags, read by arena row. */
  column(feature: number): { readonly values: Float64Array; readonly tags: Uint8Array } {
    if (this.taken.has(feature)) throw new Error(`internal: column ${feature} of the arena was handed over and may have changed`);
    if (this.pendingCount > 0) this.flush();
    return { values: this.values[feature]!, tags: this.tags[feature]! };
  }

  /**
   * A feature's numbers and tags for all the arena's rows (by arena row), handed over without a
   * copy: the caller may change them (sort them, say), and the arena gives that column out no more.
   */
  takeColumn(feature: number): { readonly values: Float64Array; readonly tags: Uint8Array } {
    const { values, tags } = this.column(feature);
    this.taken.add(feature);
    return { values: values.subarray(0, this.length), tags: tags.subarray(0, this.length) };
  }

  /** The value of a cell tagged CELL_OTHER. */
  otherCell(row: number, feature: number): unknown {
    return this.otherCells.get(row * this.features.length + feature);
  }

  /** The answer as the rows held it: a number, probabilities by class name, or undefined. */
  prediction(row: number): LoggedRow['prediction'] {
    switch (this.answerTags[row]) {
      case ANSWER_NUMBER:
        return this.answers[row * this.width]!;
      case ANSWER_CLASSES:
        return Object.fromEntries(this.classes.map((name, c) => [name, this.answers[row * this.width + c]!]));
      case ANSWER_OTHER:
        return this.otherAnswers.get(row);
      default:
        return undefined;
    }
  }

  /** Whether the row's answer is class probabilities (each read by `predictionValue`, no object built). */
  answersWithClasses(row: number): boolean {
    return this.answerTags[row] === ANSWER_CLASSES;
  }

  /** The one number prediction drift compares (see predictionValue), without building the answer. */
  predictionValue(row: number, output: string | undefined, classes: readonly string[] | undefined, fallback: (prediction: LoggedRow['prediction']) => number): number {
    const tag = this.answerTags[row];
    if (tag === ANSWER_NUMBER) return this.answers[row * this.width]!;
    if (tag !== ANSWER_CLASSES) return fallback(this.prediction(row));
    const name = output ?? classes?.at(-1) ?? this.classes.at(-1);
    const c = name === undefined ? -1 : this.classes.indexOf(name);
    return c < 0 ? Number.NaN : this.answers[row * this.width + c]!;
  }

  /** Room for `length` rows: in the feature columns too unless `columns` is false (their room is checked apart, as given columns may be shorter). */
  private reserve(length: number, columns = true): void {
    if (columns && this.features.length > 0 && (length > this.values[0]!.length || length > this.tags[0]!.length)) {
      this.values = this.values.map((values) => grown(values, length));
      this.tags = this.tags.map((tags) => grown(tags, length));
    }
    if (length <= this.positions.length) return;
    this.positions = grown(this.positions, length);
    this.answerTags = grown(this.answerTags, length);
    this.answers = grown(this.answers, this.positions.length * this.width);
  }

  private putCell(row: number, feature: number, value: unknown): void {
    if (typeof value === 'number' && !Number.isNaN(value)) {
      this.values[feature]![row] = value;
      this.tags[feature]![row] = CELL_NUMBER;
      return;
    }
    this.values[feature]![row] = Number.NaN;
    if (value === null || value === undefined || typeof value === 'number') {
      this.tags[feature]![row] = CELL_MISSING;
      return;
    }
    this.tags[feature]![row] = CELL_OTHER;
    this.otherCells.set(row * this.features.length + feature, value);
  }

  private putAnswer(row: number, prediction: LoggedRow['prediction']): void {
    if (prediction === undefined) {
      this.answerTags[row] = ANSWER_NONE;
    } else if (typeof prediction === 'number') {
      this.answerTags[row] = ANSWER_NUMBER;
      this.answers[row * this.width] = prediction;
    } else if (this.inClassOrder(prediction)) {
      this.answerTags[row] = ANSWER_CLASSES;
      for (let c = 0; c < this.classes.length; c++) this.answers[row * this.width + c] = prediction[this.classes[c]!]!;
    } else {
      this.answerTags[row] = ANSWER_OTHER;
      this.otherAnswers.set(row, prediction);
    }
  }

  /** Probabilities keyed by exactly the signature's classes, in its order (what the server logs). */
  private inClassOrder(prediction: Readonly<Record<string, number>>): boolean {
    if (this.classes.length === 0) return false;
    let c = 0;
    for (const key in prediction) {
      if (key !== this.classes[c]) return false;
      c++;
    }
    return c === this.classes.length;
  }
}

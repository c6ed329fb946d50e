/**
 * A window's rows as the checks read them: by position, column by column, without an object per
 * row. Backed by the arena the log was decoded into (a selection of its rows), or by an array of
 * LoggedRow (tests, small callers); both give the same cells and answers.
 */
import { CELL_MISSING, CELL_NUMBER, CELL_OTHER, type RowArena } from './row-arena.js';
import type { LoggedRow } from './logged-rows.js';

/** From this many values in a window, drift sorts its columns on two threads (data/drift/sort-in-parallel.ts). */
const SHARED_SORT_VALUES = 1_000_000;

export { CELL_MISSING, CELL_NUMBER, CELL_OTHER };

/**
 * One feature's cells in the window, row by row: numbers (NaN unless CELL_NUMBER), tags, and the
 * other cells' values. They are the caller's to change (sort, say): ask for each feature once.
 */
export interface FeatureCells {
  readonly values: Float64Array;
  readonly tags: Uint8Array;
  other(row: number): unknown;
}

export interface WindowRows {
  readonly length: number;
  requestId(row: number): string;
  /** The row's position in its request (feedback labels a multi-row request row by row). */
  index(row: number): number;
  prediction(row: number): LoggedRow['prediction'];
  /**
   * Appends the row's probability of each of `classes`, in that order (NaN for one its answer
   * lacks), to `into`, without building the answer; false, appending nothing, when the answer
   * holds no probabilities (a number, or nothing).
   */
  pushProbabilities(row: number, classes: readonly string[], into: number[]): boolean;
  /** `predictionValue` of the row's answer. */
  predictionValue(row: number, output: string | undefined, classes: readonly string[] | undefined): number;
  /** The cells of a feature the rows were decoded with (every cell missing for any other name). */
  feature(name: string): FeatureCells;
  /**
   * One cell as it was logged (a number, text, or null when missing), for showing a few rows:
   * read it before `feature` hands the column over (a drift check may sort it in place).
   */
  cell(row: number, name: string): unknown;
}

/** The number compared per row, or NaN when the row's answer does not have it. */
export function predictionValue(prediction: LoggedRow['prediction'], output: string | undefined, classes: readonly string[] | undefined): number {
  if (prediction === undefined) return Number.NaN;
  if (typeof prediction === 'number') return prediction;
  const name = output ?? classes?.at(-1) ?? Object.keys(prediction).at(-1);
  return name === undefined ? Number.NaN : (prediction[name] ?? Number.NaN);
}

function pushProbabilitiesOf(prediction: LoggedRow['prediction'], classes: readonly string[], into: number[]): boolean {
  if (prediction === undefined || typeof prediction === 'number') return false;
  for (const name of classes) into.push(prediction[name] ?? Number.NaN);
  return true;
}

function tagOf(value: unknown): number {
  if (typeof value === 'number') return Number.isNaN(value) ? CELL_MISSING : CELL_NUMBER;
  return value === null || value === undefined ? CELL_MISSING : CELL_OTHER;
}

/** Rows held as objects. */
export function rowsOfArray(rows: readonly (Pick<LoggedRow, 'features'> & Partial<LoggedRow>)[]): WindowRows {
  return {
    length: rows.length,
    requestId: (row) => rows[row]!.requestId!,
    index: (row) => rows[row]!.index!,
    prediction: (row) => rows[row]!.prediction,
    pushProbabilities: (row, classes, into) => pushProbabilitiesOf(rows[row]!.prediction, classes, into),
    predictionValue: (row, output, classes) => predictionValue(rows[row]!.prediction, output, classes),
    feature(name) {
      const values = new Float64Array(rows.length);
      const tags = new Uint8Array(rows.length);
      rows.forEach((row, k) => {
        const value = row.features[name];
        tags[k] = tagOf(value);
        values[k] = tags[k] === CELL_NUMBER ? (value as number) : Number.NaN;
      });
      return { values, tags, other: (row) => rows[row]!.features[name] };
    },
    cell: (row, name) => rows[row]!.features[name] ?? null,
  };
}

/** The arena's rows `selected` (arena row numbers, in window order). */
export function rowsOfArena(arena: RowArena, selected: Uint32Array): WindowRows {
  let whole: boolean | undefined;
  /** Whether the window is every row of the arena, in the arena's order. */
  const isWholeArena = (): boolean => (whole ??= selected.length > 0 && selected.length === arena.length && selected.every((row, k) => row === k));
  return {
    length: selected.length,
    requestId: (row) => arena.requestId(selected[row]!),
    index: (row) => arena.index(selected[row]!),
    prediction: (row) => arena.prediction(selected[row]!),
    pushProbabilities(row, classes, into) {
      const at = selected[row]!;
      if (!arena.answersWithClasses(at)) return pushProbabilitiesOf(arena.prediction(at), classes, into);
      for (const name of classes) into.push(arena.predictionValue(at, name, classes, () => Number.NaN));
      return true;
    },
    predictionValue: (row, output, classes) => arena.predictionValue(selected[row]!, output, classes, (prediction) => predictionValue(prediction, output, classes)),
    feature(name) {
      const f = arena.features.indexOf(name);
      // A window of every row of the arena, in its order (one window over a log read), takes the
      // arena's column as it is, without copying a million values.
      if (f >= 0 && isWholeArena()) {
        const column = arena.takeColumn(f);
        return { values: column.values, tags: column.tags, other: (row) => arena.otherCell(row, f) };
      }
      // Shared memory when the drift check sorts the columns on another thread (in place); plain
      // memory, cheaper to make and to collect, for a window it sorts on this one.
      const values = selected.length * arena.features.length >= SHARED_SORT_VALUES ? new Float64Array(new SharedArrayBuffer(selected.length * Float64Array.BYTES_PER_ELEMENT)) : new Float64Array(selected.length);
      const tags = new Uint8Array(selected.length);
      if (f < 0 || selected.length === 0) {
        values.fill(Number.NaN);
        tags.fill(CELL_MISSING);
        return { values, tags, other: () => undefined };
      }
      const column = arena.column(f);
      for (let k = 0; k < selected.length; k++) {
        values[k] = column.values[selected[k]!]!;
        tags[k] = column.tags[selected[k]!]!;
      }
      return { values, tags, other: (row) => arena.otherCell(selected[row]!, f) };
    },
    cell(row, name) {
      const f = arena.features.indexOf(name);
      if (f < 0) return null;
      const at = selected[row]!;
      const { values, tags } = arena.column(f);
      return tags[at] === CELL_NUMBER ? values[at]! : tags[at] === CELL_MISSING ? null : arena.otherCell(at, f);
    },
  };
}

/** Either shape as WindowRows. */
export function asWindowRows(rows: WindowRows | readonly (Pick<LoggedRow, 'features'> & Partial<LoggedRow>)[]): WindowRows {
  return Array.isArray(rows) ? rowsOfArray(rows) : (rows as WindowRows);
}

/**
 * Feature columns over shared memory, which a RowArena writes its rows into (see row-arena.ts)
 * and another thread can read or sort where they are.
 */
import { randomUUID } from 'node:crypto';

/**
 * Feature columns over shared memory for an arena to write into: the arena writes at their index
 * 0 on, growing into memory of its own only if its rows outgrow them. Two threads decoding halves
 * of one log are given views of the same buffers, one after the other, so the second half's rows
 * are already where they belong (see `RowArena.appendRows`).
 */
export interface ArenaColumns {
  readonly values: readonly Float64Array[];
  readonly tags: readonly Uint8Array[];
  /** Which set of shared columns these are (views of one set share it). */
  readonly room: string;
}

/** Fresh shared columns of `length` rows for `features` features. */
export function sharedColumns(features: number, length: number): ArenaColumns {
  return {
    values: Array.from({ length: features }, () => new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))),
    tags: Array.from({ length: features }, () => new Uint8Array(new SharedArrayBuffer(length))),
    room: randomUUID(),
  };
}

/** Views of rows `from` to `to` of shared columns (the same set: the same room). */
export function columnsBetween(columns: ArenaColumns, from: number, to: number): ArenaColumns {
  return { values: columns.values.map((values) => values.subarray(from, to)), tags: columns.tags.map((tags) => tags.subarray(from, to)), room: columns.room };
}

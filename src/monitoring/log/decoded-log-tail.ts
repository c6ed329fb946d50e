/**
 * A long-lived monitor's place in the prediction log (a server's monitor, a schedule): what it
 * has decoded and not yet judged, kept between passes, so that every pass decodes only the lines
 * written since the last one. Read afresh from the stored position every second, the lines of
 * the window still open (up to a window's worth) would be decoded again on every pass, and a
 * pre-scan would be needed to know whether reading is worth it; the server loses throughput to
 * every cycle its monitor spends.
 *
 * The stored position stays the truth: when it moves past what this tail holds (windows closed
 * here or by another process), the records it now covers are dropped and the rest carried over
 * to a fresh arena; when it moves anywhere else (a reset, a store shared with another monitor
 * that got further), the tail starts over from it. What a pass sees is what a single read from
 * the stored position would give: the same records in the same order (time, then file, then
 * place in the file), with the same rows. One difference: records of a file removed (by
 * retention) while their window is still open are judged with it, as they were answered; a
 * single read would no longer find them.
 */
import type { ServedSignature } from './logged-rows.js';
import { appendByTime, readDecodedLogInParallel } from './parallel-decode.js';
import { readDecodedLogInto, type DecodedLogRead } from './decode-log.js';
import type { LogRecords } from './log-records.js';
import type { LogPosition, ReadBuffer } from './read-prediction-log.js';
import { RowArena } from './row-arena.js';
import { sharedColumns } from './shared-columns.js';

interface Held {
  /** The position the held records start from (the stored position when they were last checked). */
  from: LogPosition;
  /** The position read up to. */
  to: LogPosition;
  /** Records from `from` to `to`, in the order a read gives them (the tail's own list, appended to). */
  records: LogRecords;
  arena: RowArena;
}

export class DecodedLogTail {
  private held: Held | undefined;
  /** The most rows the arena held after a read: a fresh arena gets room for as many. */
  private peakRows = 0;
  /** The arena rows were last carried over from, emptied for the next carry-over (two arenas take turns). */
  private spare: RowArena | undefined;
  /** Kept, not left to the reader's weakly held one: a collection between passes would free it every time. */
  private readonly buffer: ReadBuffer = { bytes: Buffer.alloc(0) };

  constructor(
    private readonly dir: string,
    private readonly signature: ServedSignature,
  ) {}

  /**
   * Everything logged from `position` (the stored one) to now, decoded; `skipped` counts only the
   * lines first read by this call. The returned records and arena are the tail's until the next call.
   */
  async read(position: LogPosition): Promise<DecodedLogRead> {
    const held = this.held === undefined ? undefined : this.catchUp(this.held, position);
    // The tail's state from here on, before reading: a read that fails leaves it whole (rows it
    // wrote into the arena belong to no record, and are left behind at the next carry-over).
    this.held = held;
    if (held === undefined) {
      // Starting out (or over): the whole unread log at once, on two threads when it is large.
      const read = await readDecodedLogInParallel(this.dir, this.signature, position);
      // Files the position names that are gone (removed by retention) stay in it as they were.
      this.keep({ from: position, to: { ...position, ...read.position }, records: read.records, arena: read.arena });
      return read;
    }
    const fresh = readDecodedLogInto(held.arena, this.dir, this.signature, { position: held.to, buffer: this.buffer });
    const records = appendByTime(held.records, fresh.records);
    this.keep({ from: held.from, to: { ...held.to, ...fresh.position }, records, arena: held.arena });
    return { records, skipped: fresh.skipped, position: this.held!.to, arena: held.arena };
  }

  private keep(held: Held): void {
    this.held = held;
    this.peakRows = Math.max(this.peakRows, held.arena.length);
  }

  /**
   * The held records from `position` on, or undefined when `position` is not within what is
   * held, or a window took the arena's columns whole (and sorted them): the tail starts over.
   * Records it covers are dropped, and the rest carried over to a fresh arena.
   */
  private catchUp(held: Held, position: LogPosition): Held | undefined {
    if (!held.arena.intact) return undefined;
    for (const [file, offset] of Object.entries(held.from)) if (position[file] === undefined || position[file] < offset) return undefined;
    for (const [file, offset] of Object.entries(position)) if (offset > (held.to[file] ?? 0)) return undefined;
    const kept: number[] = [];
    const { records } = held;
    for (let index = 0; index < records.length; index++) if (records.end(index) > (position[records.file(index)] ?? 0)) kept.push(index);
    if (kept.length === records.length) return { ...held, from: position };
    return { from: position, to: held.to, ...this.carryOver(records, kept, held.arena) };
  }

  /** The records at `kept` with their rows in a fresh arena, in the records' order (runs of adjacent rows copied at once). */
  private carryOver(records: LogRecords, kept: readonly number[], source: RowArena): { records: LogRecords; arena: RowArena } {
    const arena = this.spare !== undefined && this.spare !== source ? this.spare : new RowArena(this.signature.features, this.signature.classes ?? [], sharedColumns(this.signature.features.length, Math.max(1024, this.peakRows)));
    arena.clear();
    const moved = records.pick(kept);
    const { rowStarts, rowCounts } = moved;
    let runFrom = 0;
    let runCount = 0;
    let runAt = 0;
    const flush = (): void => {
      if (runCount > 0) arena.copyRows(source, runFrom, runCount);
      runCount = 0;
    };
    for (let index = 0; index < moved.length; index++) {
      const start = rowStarts[index]!;
      if (start < 0) continue;
      if (runCount === 0 || start !== runFrom + runCount) {
        flush();
        runFrom = start;
        runAt = arena.length;
      }
      rowStarts[index] = runAt + runCount;
      runCount += rowCounts[index]!;
    }
    flush();
    // The source's memory holds the next carry-over.
    this.spare = source;
    return { records: moved, arena };
  }
}

/**
 * Reading the prediction log for judging: each record's rows are decoded as the record is parsed
 * (into a RowArena, column by column), so a pass over a million predictions holds numbers, not a
 * million parsed requests; a window's rows are then a selection of the arena's.
 */
import { LogRecords } from './log-records.js';
import { loggedRows, type ServedSignature } from './logged-rows.js';
import { readLogLines, type LogPosition, type ReadBuffer } from './read-prediction-log.js';
import { RowArena } from './row-arena.js';
import type { ArenaColumns } from './shared-columns.js';
import { PredictLineScanner } from './scan-predict-line.js';
import { rowsOfArena, type WindowRows } from './window-rows.js';

/** A read of the log for judging: its records in read order (time, then file, then place in the file), their rows in the arena. */
export interface DecodedLogRead {
  readonly records: LogRecords;
  readonly arena: RowArena;
  /** Lines that were not a prediction record (damaged by hand or by a disk error): skipped, counted. */
  readonly skipped: number;
  readonly position: LogPosition;
}

/** Where a read's rows go, when another thread's rows join them (see parallel-decode.ts). */
export interface ArenaRoom {
  /** The arena makes room for the rows of this many bytes of log (more than the read covers), not of the bytes read. */
  readonly expectBytes?: number | undefined;
  /** Feature columns to write the rows into (see RowArena). */
  readonly columns?: ArenaColumns | undefined;
}

/** The predictions logged in `dir` since `position` (up to `until`), each answered one decoded into the returned arena as it is read. */
export function readDecodedLog(dir: string, signature: ServedSignature, position: LogPosition = {}, until?: LogPosition, room: ArenaRoom = {}): DecodedLogRead {
  return readDecodedLogInto(new RowArena(signature.features, signature.classes ?? [], room.columns), dir, signature, { position, until, expectBytes: room.expectBytes });
}

export interface DecodeInto {
  readonly position?: LogPosition | undefined;
  readonly until?: LogPosition | undefined;
  /** See ArenaRoom. */
  readonly expectBytes?: number | undefined;
  /** Memory to read into, kept by the caller between reads. */
  readonly buffer?: ReadBuffer | undefined;
}

/**
 * `readDecodedLog` appending to an arena that may already hold rows (a monitor's, between passes:
 * see DecodedLogTail). Lines of the common shape are read straight from their bytes (see
 * scan-predict-line.ts); others are parsed as JSON and decoded (shadow answers and failed
 * requests are never judged, so never decoded: they keep their request and answer).
 */
export function readDecodedLogInto(arena: RowArena, dir: string, signature: ServedSignature, { position = {}, until, expectBytes, buffer }: DecodeInto = {}): DecodedLogRead {
  const records = new LogRecords();
  const scanner = new PredictLineScanner(arena, records);
  const read = readLogLines(dir, position, until, {
    line: (bytes, start, limit, file, offset) => scanner.scan(bytes, start, limit, file, offset),
    record(record) {
      if (record.shadow || record.error !== undefined) {
        records.pushRecord(record);
        return;
      }
      const decoded = loggedRows(record, signature);
      records.pushRecord({ ...record, inputs: undefined, outputs: undefined, decoded: decoded.ok ? { start: arena.push(decoded.rows), count: decoded.rows.length } : { problem: decoded.problem } });
    },
    expect: (bytes) => scanner.expect(Math.max(bytes, expectBytes ?? 0)),
  }, buffer);
  return { records: records.sortedByTime(), arena, ...read };
}

/** The rows of `records` (in their order) from the arena they were decoded into; those that could not be decoded are reported. */
export function windowRowsOf(records: LogRecords, arena: RowArena, undecodable: { requestId: string; problem: string }[]): WindowRows {
  const { rowStarts, rowCounts } = records;
  let count = 0;
  for (let index = 0; index < records.length; index++) if (rowStarts[index]! >= 0) count += rowCounts[index]!;
  const selected = new Uint32Array(count);
  let at = 0;
  for (let index = 0; index < records.length; index++) {
    const start = rowStarts[index]!;
    if (start >= 0) {
      for (let k = 0; k < rowCounts[index]!; k++) selected[at++] = start + k;
      continue;
    }
    // A failed request has no rows: only the slo check reads it.
    if (records.error(index) !== undefined) continue;
    const decoded = records.decoded(index);
    undecodable.push({ requestId: records.requestIds[index]!, problem: decoded !== undefined && 'problem' in decoded ? decoded.problem : 'the record was not decoded when the log was read' });
  }
  return rowsOfArena(arena, selected);
}

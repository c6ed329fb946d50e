/**
 * Reading the prediction log for judging: each record's rows are decoded as the record is parsed
 * (into a RowArena, column by column), so a pass over a million predictions holds numbers, not a
 * million parsed requests; a window's rows are then a selection of the arena's.
 */
import { loggedRows, type ServedSignature } from './logged-rows.js';
import { readPredictionLog, type LoggedPrediction, type LogPosition, type LogRead, type ReadBuffer } from './read-prediction-log.js';
import { RowArena } from './row-arena.js';
import type { ArenaColumns } from './shared-columns.js';
import { PredictLineScanner } from './scan-predict-line.js';
import { rowsOfArena, type WindowRows } from './window-rows.js';

export interface DecodedLogRead extends LogRead {
  readonly arena: RowArena;
}

/** Where a read's rows go, when another thread's rows join them (see parallel-decode.ts). */
export interface ArenaRoom {
  /** The arena makes room for the rows of this many bytes of log (more than the read covers), not of the bytes read. */
  readonly expectBytes?: number | undefined;
  /** Feature columns to write the rows into (see RowArena). */
  readonly columns?: ArenaColumns | undefined;
}

/** `readPredictionLog` with every answered record decoded into the returned arena. */
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

/** `readDecodedLog` appending to an arena that may already hold rows (a monitor's, between passes: see DecodedLogTail). */
export function readDecodedLogInto(arena: RowArena, dir: string, signature: ServedSignature, { position = {}, until, expectBytes, buffer }: DecodeInto = {}): DecodedLogRead {
  const scanner = new PredictLineScanner(arena);
  const read = readPredictionLog(dir, position, until, {
    record(record) {
      const decoded = loggedRows(record, signature);
      return decoded.ok ? { start: arena.push(decoded.rows), count: decoded.rows.length } : { problem: decoded.problem };
    },
    line: (bytes, start, limit, file, offset) => scanner.scan(bytes, start, limit, file, offset),
    expect: (bytes) => scanner.expect(Math.max(bytes, expectBytes ?? 0)),
  }, buffer);
  return { ...read, arena };
}

/** The rows of `predictions` (in their order) from the arena they were decoded into; those that could not be decoded are reported. */
export function windowRowsOf(predictions: readonly LoggedPrediction[], arena: RowArena, undecodable: { requestId: string; problem: string }[]): WindowRows {
  let count = 0;
  for (const prediction of predictions) if (prediction.decoded && 'count' in prediction.decoded) count += prediction.decoded.count;
  const selected = new Uint32Array(count);
  let at = 0;
  for (const prediction of predictions) {
    // A failed request has no rows: only the slo check reads it.
    if (prediction.error !== undefined) continue;
    const decoded = prediction.decoded;
    if (decoded === undefined) {
      undecodable.push({ requestId: prediction.request_id, problem: 'the record was not decoded when the log was read' });
    } else if ('problem' in decoded) {
      undecodable.push({ requestId: prediction.request_id, problem: decoded.problem });
    } else {
      for (let k = 0; k < decoded.count; k++) selected[at++] = decoded.start + k;
    }
  }
  return rowsOfArena(arena, selected);
}

/**
 * Reading a prediction log directory incrementally: every `predictions-….jsonl` file the server
 * wrote (several workers write files of their own at once), from where the last read stopped.
 * The position is a byte offset per file, counting whole lines only: a line still being written
 * (no newline yet, or torn by a kill) is read next time, or never if it stays torn, and a line
 * is never read twice. Files removed by retention simply drop out of the position.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where reading stopped: bytes of whole lines consumed, per file name. */
export type LogPosition = Readonly<Record<string, number>>;

/** One prediction as the server logged it (see serving/prediction-log.ts). */
export interface LoggedPrediction {
  readonly request_id: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly model: string;
  readonly version: string;
  readonly protocol: string;
  /** What the request sent and got; undefined once decoded into rows as the log was read (see `decoded`). */
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly shadow: boolean;
  /** Milliseconds to answer, when the server recorded it (HTTP). */
  readonly latency?: number | undefined;
  /** A failed request's HTTP status: no inputs or outputs, counted by the slo check only. */
  readonly error?: number | undefined;
  /** With a decoder: where its rows went (e.g. the arena rows), or why they could not be read. */
  readonly decoded?: Decoded | undefined;
  /** The file it is in, and the byte offset just past its line: where a reader stops after it. */
  readonly file: string;
  readonly end: number;
}

/** What a decoder made of a record's inputs and outputs. */
export type Decoded = { readonly start: number; readonly count: number } | { readonly problem: string };

/** What a read does with each line: see {@link readLogLines}. */
export interface LineReader {
  /**
   * Takes the line starting at `bytes[start]` straight from its bytes and returns the offset in
   * `file` just past it, or -1 to have it parsed as JSON (and given to `record`). Lines end with
   * a newline before `limit`; `bytes[0]` is at `offset` in the file.
   */
  line?(bytes: Buffer, start: number, limit: number, file: string, offset: number): number;
  /** A line parsed as a prediction record. */
  record(record: LoggedPrediction): void;
  /** About how many bytes of log are about to be read (to make room once rather than grow). */
  expect?(bytes: number): void;
}

export interface LogRead {
  readonly predictions: readonly LoggedPrediction[];
  /** Lines that were not a prediction record (damaged by hand or by a disk error): skipped, counted. */
  readonly skipped: number;
  readonly position: LogPosition;
}

const PREDICTION_FILE = /^predictions-.*\.jsonl$/;

/** Memory to read the log's bytes into, kept between reads (records keep no part of it: their strings are copies). */
export interface ReadBuffer {
  bytes: Buffer;
}

/** The last read's buffer, when the caller keeps none of its own. */
let keptBuffer: WeakRef<Buffer> | undefined;

/** Reads in chunks: a log file may be 64 MiB. */
const CHUNK_BYTES = 4 << 20;

/** The predictions logged in `dir` since `position` (up to `until`, when given: a closed window's span), oldest first (by their timestamp). */
export function readPredictionLog(dir: string, position: LogPosition = {}, until?: LogPosition): LogRead {
  const predictions: LoggedPrediction[] = [];
  const read = readLogLines(dir, position, until, { record: (record) => predictions.push(record) });
  // Stable: records of one file keep their order when two share a millisecond.
  predictions.sort((a, b) => a.time - b.time);
  return { predictions, ...read };
}

/**
 * Every line logged in `dir` since `position` (up to `until`), file by file in name order, given
 * to `reader`: the lines that are prediction records, and (first, when it has a `line`) every
 * line for it to take straight from its bytes. Returns how many lines were not records, and the
 * position after the last whole line of each file.
 */
export function readLogLines(dir: string, position: LogPosition, until: LogPosition | undefined, reader: LineReader, kept?: ReadBuffer): { skipped: number; position: LogPosition } {
  const files = predictionLogFiles(dir, until);
  if (files === undefined) return { skipped: 0, position: {} };
  const next: Record<string, number> = {};
  let skipped = 0;
  // One buffer for every file, and for the next read (the caller's, or this module's while it
  // lives): a fresh buffer per file makes V8 collect garbage for each, and fresh memory costs a
  // page fault per 4 KiB.
  const buffer = kept ?? { bytes: keptBuffer?.deref() ?? Buffer.alloc(0) };
  reader.expect?.(files.reduce((total, file) => total + unreadBytes(dir, file, position, until), 0));
  for (const file of files) {
    const start = position[file] ?? 0;
    const { bytes, consumed } = readWholeLines(join(dir, file), start, until?.[file], buffer);
    next[file] = start + consumed;
    // Line by line over the bytes: offsets count bytes as written, and a line only becomes text
    // when it is parsed as JSON.
    for (let from = 0; from < consumed; ) {
      const taken = reader.line?.(bytes, from, consumed, file, start) ?? -1;
      if (taken >= 0) {
        from = taken - start;
        continue;
      }
      const newline = bytes.indexOf(0x0a, from);
      const record = parsePrediction(bytes.toString('utf8', from, newline), file, start + newline + 1);
      if (record) reader.record(record);
      else skipped++;
      from = newline + 1;
    }
  }
  if (kept === undefined) keptBuffer = new WeakRef(buffer.bytes);
  return { skipped, position: next };
}

/** The log's files in order (those `until` names, when given); undefined when the directory cannot be read. */
export function predictionLogFiles(dir: string, until?: LogPosition): string[] | undefined {
  try {
    return readdirSync(dir)
      .filter((name) => PREDICTION_FILE.test(name) && (until === undefined || until[name] !== undefined))
      .sort();
  } catch {
    return undefined;
  }
}

/** How many bytes of `file` a read from `position` up to `until` covers (whole lines or not). */
export function unreadBytes(dir: string, file: string, position: LogPosition, until?: LogPosition): number {
  return Math.max(0, Math.min(sizeOf(join(dir, file)), until?.[file] ?? Number.POSITIVE_INFINITY) - (position[file] ?? 0));
}

/** The complete lines of a file from byte `start` (up to byte `limit`), and how many bytes they span. */
function readWholeLines(path: string, start: number, limit: number | undefined, buffer: { bytes: Buffer }): { bytes: Buffer; consumed: number } {
  const none = { bytes: Buffer.alloc(0), consumed: 0 };
  let size: number;
  try {
    size = Math.min(statSync(path).size, limit ?? Number.POSITIVE_INFINITY);
  } catch {
    return none;
  }
  if (size <= start) return none;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // Removed (by retention) since it was listed: nothing to read.
    return none;
  }
  try {
    if (buffer.bytes.length < size - start) buffer.bytes = Buffer.allocUnsafe(size - start);
    const bytes = buffer.bytes;
    let filled = 0;
    while (filled < size - start) {
      const read = readSync(fd, bytes, filled, Math.min(CHUNK_BYTES, size - start - filled), start + filled);
      if (read === 0) break;
      filled += read;
    }
    // Empty lines are kept (as skipped records) so that the offsets add up line by line.
    const end = filled === 0 ? -1 : bytes.lastIndexOf(0x0a, filled - 1);
    return end < 0 ? none : { bytes, consumed: end + 1 };
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function parsePrediction(line: string, file: string, end: number): LoggedPrediction | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const time = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : Number.NaN;
  if (typeof record.request_id !== 'string' || Number.isNaN(time) || typeof record.version !== 'string' || typeof record.protocol !== 'string') return undefined;
  return {
    request_id: record.request_id,
    time,
    model: typeof record.model === 'string' ? record.model : '',
    version: record.version,
    protocol: record.protocol,
    inputs: record.inputs,
    outputs: record.outputs,
    shadow: record.shadow === true,
    latency: typeof record.latency_ms === 'number' ? record.latency_ms : undefined,
    error: typeof (record.error as { status?: unknown } | undefined)?.status === 'number' ? (record.error as { status: number }).status : undefined,
    file,
    end,
  };
}

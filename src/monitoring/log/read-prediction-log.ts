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

/**
 * Files are read this much at a time into one buffer, its lines handled before the next read. A
 * log file may be 64 MiB; a buffer that size is fresh memory, and on virtual machines each 4 KiB
 * of fresh memory costs about 10 µs the first time it is touched (the buffer grew with the largest
 * file, and the pages cost more than reading them). A chunk also stays in the CPU's cache between
 * being read and being scanned.
 */
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
    // Line by line over the bytes: offsets count bytes as written, and a line only becomes text
    // when it is parsed as JSON.
    const consumed = readWholeLines(join(dir, file), start, until?.[file], buffer, (bytes, length, offset) => {
      for (let from = 0; from < length; ) {
        const taken = reader.line?.(bytes, from, length, file, offset) ?? -1;
        if (taken >= 0) {
          from = taken - offset;
          continue;
        }
        const newline = bytes.indexOf(0x0a, from);
        const record = parsePrediction(bytes.toString('utf8', from, newline), file, offset + newline + 1);
        if (record) reader.record(record);
        else skipped++;
        from = newline + 1;
      }
    });
    next[file] = start + consumed;
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

/**
 * The complete lines of a file from byte `start` (up to byte `limit`), a chunk at a time: `lines`
 * gets the buffer, how many of its bytes are whole lines, and the file offset of its first byte.
 * Returns how many bytes the lines span (a last line without its newline is left unread).
 */
function readWholeLines(path: string, start: number, limit: number | undefined, buffer: { bytes: Buffer }, lines: (bytes: Buffer, length: number, offset: number) => void): number {
  let size: number;
  try {
    size = Math.min(statSync(path).size, limit ?? Number.POSITIVE_INFINITY);
  } catch {
    return 0;
  }
  if (size <= start) return 0;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // Removed (by retention) since it was listed: nothing to read.
    return 0;
  }
  try {
    let at = start;
    // Bytes of a line begun in the previous chunk, at the buffer's start.
    let carried = 0;
    while (at < size) {
      const want = Math.min(CHUNK_BYTES, size - at);
      if (buffer.bytes.length < carried + want) {
        // A line longer than a chunk, or a first read: room for it, keeping what is carried.
        const grown = Buffer.allocUnsafe(Math.max(carried + want, Math.min(CHUNK_BYTES, size - start)));
        buffer.bytes.copy(grown, 0, 0, carried);
        buffer.bytes = grown;
      }
      const bytes = buffer.bytes;
      const read = readSync(fd, bytes, carried, want, at);
      if (read === 0) break;
      at += read;
      const filled = carried + read;
      // Empty lines are kept (as skipped records) so that the offsets add up line by line.
      const end = bytes.lastIndexOf(0x0a, filled - 1) + 1;
      if (end > 0) lines(bytes, end, at - filled);
      carried = filled - end;
      bytes.copyWithin(0, end, filled);
    }
    return at - carried - start;
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

/** A failed request's HTTP status; a status that is no HTTP status (0, a fraction) is an unknown server error, 599. */
function failureStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number') return undefined;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 599;
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
    error: failureStatus(record.error),
    file,
    end,
  };
}

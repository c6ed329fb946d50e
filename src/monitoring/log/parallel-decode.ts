/**
 * Reading a large prediction log on two threads. Decoding the log is most of a large window's
 * cost and runs a line at a time on one core, so a worker thread decodes the later part of the
 * log (from a line start, inside a file or at its edge) while this thread decodes the earlier
 * part, and the two halves are put together as one read would have given them: the same records
 * in the same order, the worker's rows after this thread's in the arena's columns.
 *
 * The worker runs this module itself: it is started on this file's own URL (in the compiled tree
 * or the CLI bundle alike), and the module, loaded in a worker marked as a decoder, answers decode
 * tasks. It is resident (see core/resident-workers.ts): reused, never left to end right after its
 * work.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ResidentWorkers, serveResidentRequests } from '../../core/index.js';
import { readDecodedLog, type DecodedLogRead } from './decode-log.js';
import type { ServedSignature } from './logged-rows.js';
import { LogRecords, type PackedLogRecords } from './log-records.js';
import { predictionLogFiles, unreadBytes, type LogPosition } from './read-prediction-log.js';
import type { ArenaRows } from './row-arena.js';
import { columnsBetween, sharedColumns, type ArenaColumns } from './shared-columns.js';

const TASK = 'sluice:decode-prediction-log';

/** Below this many bytes to read, starting a thread (about 0.2 s: it loads the monitoring code) costs more than it saves. */
const PARALLEL_BYTES = 96 << 20;

/** Room for this many times the rows the log's first lines promise, in the shared columns. */
const MARGIN = 1.1;

/**
 * The worker's share of the bytes (see the split below), measured on 1 GB logs of 30 features:
 * with 0.4, the worker sat idle for the last 2 of the 6 s the two threads decoded; with 0.5 the
 * whole pass took 0.3 s less (5 runs alternating with 0.4, each faster), and 0.56 was slower again.
 */
const WORKER_SHARE = 0.5;

interface DecodeTask {
  readonly dir: string;
  readonly signature: ServedSignature;
  readonly position: LogPosition;
  readonly until: LogPosition;
  /** The worker's part of the shared feature columns, if any. */
  readonly columns: ArenaColumns | undefined;
}

interface DecodedPart {
  readonly records: PackedLogRecords;
  readonly skipped: number;
  readonly position: LogPosition;
  readonly rows: ArenaRows;
}

/** `readDecodedLog`, on two threads when the unread log holds at least `minBytes` (tests lower it). */
export async function readDecodedLogInParallel(dir: string, signature: ServedSignature, position: LogPosition = {}, until?: LogPosition, minBytes = PARALLEL_BYTES): Promise<DecodedLogRead> {
  const files = predictionLogFiles(dir, until) ?? [];
  const bytes = files.map((file) => unreadBytes(dir, file, position, until));
  const total = bytes.reduce((sum, each) => sum + each, 0);
  if (total < minBytes || total === 0 || availableParallelism() < 2) return readDecodedLog(dir, signature, position, until);

  // The worker reads the log's last WORKER_SHARE of bytes (up to the files' sizes now: lines
  // written meanwhile are the next read's), from a line start, possibly in the middle of a file;
  // this thread reads what comes before. Half each: the worker writes its rows straight into
  // the shared columns below, so putting them in place here costs little.
  const target = total * WORKER_SHARE;
  let split = files.length;
  let away = 0;
  while (split > 0 && away + bytes[split - 1]! <= target) away += bytes[--split]!;
  const theirFrom: Record<string, number> = {};
  const theirUntil: Record<string, number> = {};
  for (let k = split; k < files.length; k++) theirUntil[files[k]!] = (position[files[k]!] ?? 0) + bytes[k]!;
  const myUntil: Record<string, number> = Object.fromEntries(files.slice(0, split).map((file) => [file, until?.[file] ?? Number.POSITIVE_INFINITY]));
  if (split > 0) {
    // The file where the shares meet: the worker's part starts at the first line after the cut.
    const file = files[split - 1]!;
    const start = position[file] ?? 0;
    const end = start + bytes[split - 1]!;
    const lineStart = lineStartFrom(join(dir, file), Math.ceil(end - (target - away)), end);
    if (lineStart !== undefined) {
      myUntil[file] = lineStart;
      theirFrom[file] = lineStart;
      theirUntil[file] = end;
    }
  }

  // Both threads write their rows into one set of shared columns, this thread's first and the
  // worker's after them, sized from the rows per byte of the log's first lines with a margin:
  // putting the worker's rows in place is then a move within memory already written, not a copy
  // into fresh memory (which costs a page fault per 4 KiB). Rows beyond a margin go to memory of
  // their own, and are copied as before.
  let theirBytes = 0;
  for (const [file, to] of Object.entries(theirUntil)) theirBytes += to - (theirFrom[file] ?? position[file] ?? 0);
  // Nothing for one side (no line starts after the cut, say): one read.
  if (theirBytes === 0 || theirBytes === total) return readDecodedLog(dir, signature, position, until);
  const first = files[bytes.findIndex((each) => each > 0)]!;
  const perByte = rowsPerByte(dir, signature, first, position[first] ?? 0);
  const mine = Math.ceil((total - theirBytes) * perByte * MARGIN) + 1024;
  const room = perByte > 0 ? sharedColumns(signature.features.length, mine + Math.ceil(theirBytes * perByte * MARGIN) + 1024) : undefined;
  const decoding = decodeInWorker({ dir, signature, position: { ...position, ...theirFrom }, until: theirUntil, columns: room && columnsBetween(room, mine, room.tags[0]?.length ?? mine) });
  // Handled now, so that a failure while this thread reads is not an unhandled rejection.
  decoding.catch(() => undefined);
  // Room for both halves' rows from the start: appending the worker's then grows nothing.
  const here = readDecodedLog(dir, signature, position, myUntil, { expectBytes: total, columns: room && columnsBetween(room, 0, mine) });
  const part = await decoding.catch(() => undefined);
  // A thread that could not answer (it could not start, say) costs time, not the pass: one read.
  if (part === undefined) return readDecodedLog(dir, signature, position, until);

  const offset = here.arena.length;
  const theirRecords = LogRecords.unpack(part.records);
  here.arena.appendRows(part.rows, rowRequestIds(theirRecords, part.rows.length));
  // As one read orders them: by time, files in name order within a millisecond. Each half is in
  // that order already, and this thread's files come first: a stable merge.
  const records = appendByTime(here.records, theirRecords, offset);
  const merged: Record<string, number> = { ...here.position };
  for (const [file, at] of Object.entries(part.position)) merged[file] = at;
  return { records, skipped: here.skipped + part.skipped, position: merged, arena: here.arena };
}

/** Rows per byte of log, from its first lines (about 256 KiB of them, read from `start` of `file`); 0 when they hold no rows. */
function rowsPerByte(dir: string, signature: ServedSignature, file: string, start: number): number {
  const end = start + unreadBytes(dir, file, { [file]: start });
  const stop = lineStartFrom(join(dir, file), Math.min(end, start + (256 << 10)), end) ?? end;
  if (stop <= start) return 0;
  return readDecodedLog(dir, signature, { [file]: start }, { [file]: stop }).arena.length / (stop - start);
}

/** Where the first line starting at or after byte `from` of a file starts, when it is before `end`. */
function lineStartFrom(path: string, from: number, end: number): number | undefined {
  const probe = Buffer.allocUnsafe(64 << 10);
  const fd = openSync(path, 'r');
  try {
    // The byte before `from` may be the newline that ends the line before.
    for (let at = Math.max(0, from - 1); at < end; at += probe.length) {
      const read = readSync(fd, probe, 0, Math.min(probe.length, end - at), at);
      if (read === 0) return undefined;
      const newline = probe.subarray(0, read).indexOf(0x0a);
      if (newline >= 0) return at + newline + 1 < end ? at + newline + 1 : undefined;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Each of `count` rows' request id (by its row in the records' own arena): its record's. */
function rowRequestIds(records: LogRecords, count: number): string[] {
  const ids = new Array<string>(count);
  const { rowStarts, rowCounts } = records;
  for (let index = 0; index < records.length; index++) {
    const start = rowStarts[index]!;
    if (start < 0) continue;
    const id = records.requestIds[index]!;
    for (let k = 0; k < rowCounts[index]!; k++) ids[start + k] = id;
  }
  return ids;
}

/**
 * `second`'s records after `first`'s, in read order (time, then file, then place in the file), their
 * rows moved `rowOffset` on (where they were appended in `first`'s arena). The files are rolled as
 * time goes, so `second` usually starts after all of `first` and is appended to it in place; only
 * an overlap (found by bisection) is merged record by record, into a new table.
 */
export function appendByTime(first: LogRecords, second: LogRecords, rowOffset = 0): LogRecords {
  if (second.length === 0) return first;
  let low = 0;
  let high = first.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (first.before(middle, second, 0)) low = middle + 1;
    else high = middle;
  }
  const overlapFrom = low;
  const firstLength = first.length;
  first.append(second, rowOffset);
  if (overlapFrom === firstLength) return first;
  const order = new Uint32Array(first.length);
  for (let k = 0; k < overlapFrom; k++) order[k] = k;
  let a = overlapFrom;
  let b = firstLength;
  let at = overlapFrom;
  while (a < firstLength && b < first.length) order[at++] = first.before(a, first, b) ? a++ : b++;
  while (a < firstLength) order[at++] = a++;
  while (b < first.length) order[at++] = b++;
  return first.pick(order);
}

const decoders = new ResidentWorkers(new URL(import.meta.url), 'the log-decoding thread', { workerData: { task: TASK } });

/**
 * Starts the decoding thread now when the log in `dir` left to read from `position` is large
 * enough to be read on two threads, so that it has loaded its code by the time a pass reads it.
 */
export function prewarmLogDecoder(dir: string, position: LogPosition): void {
  if (availableParallelism() < 2) return;
  const files = predictionLogFiles(dir) ?? [];
  if (files.reduce((sum, file) => sum + unreadBytes(dir, file, position), 0) >= PARALLEL_BYTES) decoders.prewarm();
}

function decodeInWorker(task: DecodeTask): Promise<DecodedPart> {
  return decoders.run<DecodedPart>(task);
}

if (!isMainThread && (workerData as { task?: unknown } | null)?.task === TASK) {
  serveResidentRequests(parentPort!, (task: DecodeTask) => {
    const read = readDecodedLog(task.dir, task.signature, task.position, task.until, { columns: task.columns });
    const { packed, transfer } = read.records.pack();
    const part: DecodedPart = { records: packed, skipped: read.skipped, position: read.position, rows: read.arena.exportRows() };
    return { reply: part, transfer };
  });
}

/**
 * Cutting what was read from the prediction log into the windows that are closed: every `every`
 * predictions, or every span of time aligned to the epoch (`10m` windows end at :00, :10, …).
 * What is left over stays unread (its window is still open) and is read again next time, so a
 * window's rows are decided once, when it closes, and the position stored with it covers exactly
 * its rows.
 *
 * A file's lines are in the order its writer logged them; a window takes a prefix of each file's
 * unread lines (a line logged before one the window took, but stamped later, joins it), so the
 * position after a window is a byte offset per file and no row is judged twice or skipped. An
 * environment's shadow answers sit in the same files: they are consumed with the window that
 * takes their neighbours but not judged (a window judges what users were answered). Failed
 * requests join the window they fall in without counting towards `every`; only slo reads them.
 */
import type { WindowEvery } from '../config/monitor-schema.js';
import type { LogRecords } from '../log/log-records.js';
import type { LogPosition } from '../log/read-prediction-log.js';

export interface PlannedWindow {
  /** The answers users got, in the window, and the requests that failed (records with an error). */
  readonly records: LogRecords;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The log position once this window's lines are consumed. */
  readonly position: LogPosition;
}

/** Time after a time window's end before it closes: the server flushes its log about every second. */
export const FLUSH_GRACE_MS = 5_000;

/**
 * The windows that are complete among `records` (read from `position`, in read order). One walk
 * over them, whatever the number of windows: a catch-up over a million logged predictions with a
 * window every thousand closes a thousand windows.
 */
export function planWindows(records: LogRecords, position: LogPosition, every: WindowEvery, now: number): PlannedWindow[] {
  const log = tabulate(records);
  const { times, ends, fileOf, counted, shadow, names } = log;
  const count = records.length;
  const lines = linesByFile(log);
  const next = lines.start.slice(0, names.length);
  const consumed = new Uint8Array(count);
  // Per file, the offset just past the last line the window being planned counts; -1 when none.
  const furthest = new Float64Array(names.length).fill(-1);
  const windows: PlannedWindow[] = [];
  let at: Record<string, number> = { ...position };
  let cursor = 0;
  // A window's members, reused: a window may hold a million records.
  const members = new Uint32Array(count);
  for (;;) {
    while (cursor < count && (consumed[cursor] || !counted[cursor])) cursor++;
    if (cursor === count) break;
    const stop = every.kind === 'predictions' ? takeCount(consumed, counted, cursor, every.count) : takeSpan(times, cursor, every.ms, now);
    if (stop < 0) break;
    // The files in the order the window's first line in each comes, as the stored position lists them.
    const touched: number[] = [];
    for (let index = cursor; index < stop; index++) {
      if (consumed[index] || !counted[index]) continue;
      const file = fileOf[index]!;
      if (furthest[file]! < 0) touched.push(file);
      if (ends[index]! > furthest[file]!) furthest[file] = ends[index]!;
    }
    // A window takes a prefix of each file: every line up to the last one it counted.
    let taken = 0;
    const reached: Record<string, number> = {};
    for (const file of touched) {
      const end = furthest[file]!;
      const last = lines.start[file + 1]!;
      while (next[file]! < last && ends[lines.order[next[file]!]!]! <= end) {
        const index = lines.order[next[file]!++]!;
        consumed[index] = 1;
        if (!shadow[index]) members[taken++] = index;
      }
      reached[names[file]!] = end;
      furthest[file] = -1;
    }
    const ordered = ascending(members.subarray(0, taken));
    at = { ...at, ...reached };
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < ordered.length; k++) {
      const time = times[ordered[k]!]!;
      if (time < first) first = time;
      if (time > last) last = time;
    }
    windows.push({
      records: pick(records, ordered),
      startedAt: first,
      endedAt: every.kind === 'time' ? alignedEnd(times[cursor]!, every.ms) : last,
      position: at,
    });
  }
  return windows;
}

/** The fields of the records the walk reads, one typed array each. */
interface LogTable {
  readonly times: Float64Array;
  readonly ends: Float64Array;
  /** Index into `names`. */
  readonly fileOf: Uint32Array;
  /** 1 when the record counts towards `every`: an answer users got (not a shadow's, not a failure). */
  readonly counted: Uint8Array;
  readonly shadow: Uint8Array;
  readonly names: readonly string[];
}

function tabulate(records: LogRecords): LogTable {
  const count = records.length;
  const counted = new Uint8Array(count);
  const shadow = new Uint8Array(count);
  for (let index = 0; index < count; index++) {
    shadow[index] = records.isShadow(index) ? 1 : 0;
    counted[index] = records.counts(index) ? 1 : 0;
  }
  // File indexes are into the records' names (which also hold models and versions: a few more empty lists).
  return { times: records.times, ends: records.ends, fileOf: records.fileOf, counted, shadow, names: records.names };
}

/** Each file's lines in file order (by offset, then index): file f's are `order[start[f]]` to `order[start[f + 1] - 1]`. */
function linesByFile({ fileOf, ends, names }: LogTable): { order: Uint32Array; start: Uint32Array } {
  const start = new Uint32Array(names.length + 1);
  for (const file of fileOf) start[file + 1]!++;
  for (let file = 0; file < names.length; file++) start[file + 1]! += start[file]!;
  const order = new Uint32Array(fileOf.length);
  const fill = start.slice(0, names.length);
  for (let index = 0; index < fileOf.length; index++) order[fill[fileOf[index]!]!++] = index;
  for (let file = 0; file < names.length; file++) {
    const lines = order.subarray(start[file]!, start[file + 1]!);
    // A file's lines come in offset order unless the read merged it with another out of order.
    let sorted = true;
    for (let k = 1; k < lines.length && sorted; k++) sorted = ends[lines[k - 1]!]! < ends[lines[k]!]!;
    if (!sorted) lines.set(Array.from(lines).sort((a, b) => ends[a]! - ends[b]! || a - b));
  }
  return { order, start };
}

/** The numbers in ascending order (usually they are already), sorted in place. */
function ascending(indexes: Uint32Array): Uint32Array {
  for (let k = 1; k < indexes.length; k++) if (indexes[k - 1]! > indexes[k]!) return indexes.sort();
  return indexes;
}

/** The records at `indexes` (ascending): all of them when they are. */
function pick(records: LogRecords, indexes: ArrayLike<number>): LogRecords {
  return indexes.length === records.length ? records : records.pick(indexes);
}

/** Where the first `count` counted, unconsumed predictions from `cursor` end (exclusive), or -1 when there are fewer. */
function takeCount(consumed: Uint8Array, counted: Uint8Array, cursor: number, count: number): number {
  let taken = 0;
  for (let index = cursor; index < consumed.length; index++) if (!consumed[index] && counted[index] && ++taken === count) return index + 1;
  return -1;
}

/**
 * Whether a window may be complete among `records` (in read order) at `now`, known without
 * planning: a long-lived monitor holds an open window's records between passes (a 10-minute
 * window of busy traffic is millions of them) and looks every second. False only when none can be.
 */
export function mayCloseWindow(records: LogRecords, every: WindowEvery, now: number): boolean {
  if (records.length === 0) return false;
  if (every.kind === 'time') return now >= alignedEnd(records.time(0), every.ms) + FLUSH_GRACE_MS;
  let counted = 0;
  for (let index = 0; index < records.length; index++) if (records.counts(index) && ++counted >= every.count) return true;
  return false;
}

function alignedEnd(time: number, span: number): number {
  return (Math.floor(time / span) + 1) * span;
}

/** Where the span of the prediction at `cursor` ends (exclusive), once the span is over (and the log had time to be flushed); -1 before. */
function takeSpan(times: Float64Array, cursor: number, span: number, now: number): number {
  const end = alignedEnd(times[cursor]!, span);
  if (now < end + FLUSH_GRACE_MS) return -1;
  let index = cursor;
  while (index < times.length && times[index]! < end) index++;
  return index;
}

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
import type { LoggedPrediction, LogPosition } from '../log/read-prediction-log.js';

export interface PlannedWindow {
  /** The answers users got, in the window, and the requests that failed (records with `error`). */
  readonly predictions: readonly LoggedPrediction[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** The log position once this window's lines are consumed. */
  readonly position: LogPosition;
}

/** Time after a time window's end before it closes: the server flushes its log about every second. */
export const FLUSH_GRACE_MS = 5_000;

/**
 * The windows that are complete among `predictions` (read from `position`, oldest first). One
 * walk over them, whatever the number of windows: a catch-up over a million logged predictions
 * with a window every thousand closes a thousand windows.
 */
export function planWindows(predictions: readonly LoggedPrediction[], position: LogPosition, every: WindowEvery, now: number): PlannedWindow[] {
  const windows: PlannedWindow[] = [];
  const consumed = new Uint8Array(predictions.length);
  // Each file's lines in file order (by offset), as indexes into `predictions`, and how many of them are consumed.
  const files = new Map<string, { lines: number[]; next: number }>();
  predictions.forEach((prediction, index) => {
    let file = files.get(prediction.file);
    if (!file) files.set(prediction.file, (file = { lines: [], next: 0 }));
    file.lines.push(index);
  });
  for (const file of files.values()) file.lines.sort((a, b) => predictions[a]!.end - predictions[b]!.end || a - b);
  const counts = (index: number): boolean => !predictions[index]!.shadow && predictions[index]!.error === undefined;
  let at: Record<string, number> = { ...position };
  let cursor = 0;
  for (;;) {
    while (cursor < predictions.length && (consumed[cursor] || !counts(cursor))) cursor++;
    if (cursor === predictions.length) break;
    const taken = every.kind === 'predictions' ? takeCount(predictions, consumed, counts, cursor, every.count) : takeSpan(predictions, consumed, counts, cursor, every.ms, now);
    if (!taken) break;
    const ends = new Map<string, number>();
    for (const index of taken) {
      const { file, end } = predictions[index]!;
      ends.set(file, Math.max(ends.get(file) ?? 0, end));
    }
    // A window takes a prefix of each file: every line up to the last one it counted.
    const members: number[] = [];
    for (const [name, end] of ends) {
      const file = files.get(name)!;
      while (file.next < file.lines.length && predictions[file.lines[file.next]!]!.end <= end) {
        const index = file.lines[file.next++]!;
        consumed[index] = 1;
        if (!predictions[index]!.shadow) members.push(index);
      }
    }
    members.sort((a, b) => a - b);
    at = { ...at, ...Object.fromEntries(ends) };
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const index of members) {
      const { time } = predictions[index]!;
      if (time < first) first = time;
      if (time > last) last = time;
    }
    windows.push({
      predictions: members.map((index) => predictions[index]!),
      startedAt: first,
      endedAt: every.kind === 'time' ? alignedEnd(predictions[taken[0]!]!.time, every.ms) : last,
      position: at,
    });
  }
  return windows;
}

/** The first `count` counted, unconsumed predictions from `cursor` (in time order), or undefined when there are fewer. */
function takeCount(predictions: readonly LoggedPrediction[], consumed: Uint8Array, counts: (index: number) => boolean, cursor: number, count: number): number[] | undefined {
  const taken: number[] = [];
  for (let index = cursor; index < predictions.length && taken.length < count; index++) if (!consumed[index] && counts(index)) taken.push(index);
  return taken.length === count ? taken : undefined;
}

function alignedEnd(time: number, span: number): number {
  return (Math.floor(time / span) + 1) * span;
}

/** The first span's counted predictions (from `cursor`, the first of them), once the span is over (and the log had time to be flushed). */
function takeSpan(predictions: readonly LoggedPrediction[], consumed: Uint8Array, counts: (index: number) => boolean, cursor: number, span: number, now: number): number[] | undefined {
  const end = alignedEnd(predictions[cursor]!.time, span);
  if (now < end + FLUSH_GRACE_MS) return undefined;
  const taken: number[] = [];
  for (let index = cursor; index < predictions.length && predictions[index]!.time < end; index++) if (!consumed[index] && counts(index)) taken.push(index);
  return taken;
}

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

/** The windows that are complete among `predictions` (read from `position`, oldest first). */
export function planWindows(predictions: readonly LoggedPrediction[], position: LogPosition, every: WindowEvery, now: number): PlannedWindow[] {
  const windows: PlannedWindow[] = [];
  let unread = [...predictions];
  let at: Record<string, number> = { ...position };
  for (;;) {
    const answered = unread.filter((prediction) => !prediction.shadow && prediction.error === undefined);
    if (answered.length === 0) break;
    const taken = every.kind === 'predictions' ? takeCount(answered, every.count) : takeSpan(answered, every.ms, now);
    if (!taken) break;
    const ends = new Map<string, number>();
    for (const prediction of taken) ends.set(prediction.file, Math.max(ends.get(prediction.file) ?? 0, prediction.end));
    const inWindow = (prediction: LoggedPrediction) => prediction.end <= (ends.get(prediction.file) ?? -1);
    const members = unread.filter((prediction) => inWindow(prediction) && !prediction.shadow);
    unread = unread.filter((prediction) => !inWindow(prediction));
    at = { ...at, ...Object.fromEntries(ends) };
    // A loop, not Math.min(...times): a window may hold millions of predictions.
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const prediction of members) {
      if (prediction.time < first) first = prediction.time;
      if (prediction.time > last) last = prediction.time;
    }
    windows.push({
      predictions: members,
      startedAt: first,
      endedAt: every.kind === 'time' ? alignedEnd(taken[0]!.time, every.ms) : last,
      position: at,
    });
  }
  return windows;
}

function takeCount(predictions: readonly LoggedPrediction[], count: number): readonly LoggedPrediction[] | undefined {
  return predictions.length >= count ? predictions.slice(0, count) : undefined;
}

function alignedEnd(time: number, span: number): number {
  return (Math.floor(time / span) + 1) * span;
}

/** The first span's predictions, once the span is over (and the log had time to be flushed). */
function takeSpan(predictions: readonly LoggedPrediction[], span: number, now: number): readonly LoggedPrediction[] | undefined {
  const end = alignedEnd(predictions[0]!.time, span);
  if (now < end + FLUSH_GRACE_MS) return undefined;
  return predictions.filter((prediction) => prediction.time < end);
}

/**
 * The labels posted as feedback (`feedback-….jsonl` beside the prediction log), by request id:
 * one label for a one-row request, or one per row. A later label for the same request replaces an
 * earlier one (a correction). Read whole: feedback is a small fraction of the log, and a label
 * may arrive long after its prediction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackLineScanner } from './scan-feedback-line.js';

/** Labels by request id: index k is the label of the request's row k. */
export type FeedbackLabels = ReadonlyMap<string, readonly unknown[]>;

const FEEDBACK_FILE = /^feedback-.*\.jsonl$/;

export function readFeedback(dir: string): FeedbackLabels {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => FEEDBACK_FILE.test(name)).sort();
  } catch {
    return new Map();
  }
  const read: FeedbackRead = { ids: [], times: [], labels: [], ordered: true };
  const scanner = new FeedbackLineScanner();
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    for (let from = 0; from < bytes.length; ) {
      let end = scanner.scan(bytes, from);
      if (end >= 0) {
        add(read, scanner.id, scanner.time, [scanner.label]);
      } else {
        end = bytes.indexOf(0x0a, from);
        if (end < 0) end = bytes.length;
        const record = parseLine(bytes.toString('utf8', from, end));
        if (record) add(read, record.id, record.time, record.labels);
      }
      from = end + 1;
    }
  }
  // A later label for a request replaces an earlier one: by time, then in the order read.
  const order = Array.from(read.ids.keys());
  if (!read.ordered) order.sort((a, b) => read.times[a]! - read.times[b]!);
  const labels = new Map<string, readonly unknown[]>();
  for (const k of order) labels.set(read.ids[k]!, read.labels[k]!);
  return labels;
}

interface FeedbackRead {
  readonly ids: string[];
  readonly times: number[];
  readonly labels: (readonly unknown[])[];
  /** Whether the times never went back (then no sort is needed). */
  ordered: boolean;
}

function add(read: FeedbackRead, id: string, time: number, labels: readonly unknown[]): void {
  if (read.times.length > 0 && time < read.times[read.times.length - 1]!) read.ordered = false;
  read.ids.push(id);
  read.times.push(time);
  read.labels.push(labels);
}

function parseLine(line: string): { id: string; time: number; labels: unknown[] } | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // A torn last line (a kill mid-write): the label was never acknowledged as logged.
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as { request_id?: unknown; timestamp?: unknown; label?: unknown };
  if (typeof record.request_id !== 'string' || record.label === undefined) return undefined;
  const time = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : 0;
  return { id: record.request_id, time: Number.isNaN(time) ? 0 : time, labels: Array.isArray(record.label) ? record.label : [record.label] };
}

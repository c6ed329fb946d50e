/**
 * The labels posted as feedback (`feedback-….jsonl` beside the prediction log), by request id:
 * one label for a one-row request, or one per row. A later label for the same request replaces an
 * earlier one (a correction). Read whole: feedback is a small fraction of the log, and a label
 * may arrive long after its prediction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  const records: { id: string; time: number; labels: unknown[] }[] = [];
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // A torn last line (a kill mid-write): the label was never acknowledged as logged.
      }
      if (value === null || typeof value !== 'object') continue;
      const record = value as { request_id?: unknown; timestamp?: unknown; label?: unknown };
      if (typeof record.request_id !== 'string' || record.label === undefined) continue;
      const time = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : 0;
      records.push({ id: record.request_id, time: Number.isNaN(time) ? 0 : time, labels: Array.isArray(record.label) ? record.label : [record.label] });
    }
  }
  records.sort((a, b) => a.time - b.time);
  return new Map(records.map((record) => [record.id, record.labels]));
}

/**
 * Feedback labels are read from bytes when a line has the server's own form; every line must give
 * what JSON.parse gives, and a later label must replace an earlier one by time.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { readFeedback } from './read-feedback.js';

const temp = makeTempDir('sluice-read-feedback-');
after(() => temp.remove());

/** The labels as JSON.parse reads every line, sorted by time (stable), the later replacing the earlier. */
function parsedLabels(lines: readonly string[]): Map<string, readonly unknown[]> {
  const records: { id: string; time: number; labels: unknown[] }[] = [];
  for (const line of lines) {
    let value: { request_id?: unknown; timestamp?: unknown; label?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      continue;
    }
    if (value === null || typeof value !== 'object' || typeof value.request_id !== 'string' || value.label === undefined) continue;
    const time = typeof value.timestamp === 'string' ? Date.parse(value.timestamp) : 0;
    records.push({ id: value.request_id, time: Number.isNaN(time) ? 0 : time, labels: Array.isArray(value.label) ? value.label : [value.label] });
  }
  records.sort((a, b) => a.time - b.time);
  return new Map(records.map((record) => [record.id, record.labels]));
}

const at = (second: number): string => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const line = (id: string, second: number, label: string): string => `{"request_id":"${id}","timestamp":"${at(second)}","label":${label}}`;

describe('reading feedback labels', () => {
  test('every kind of line gives what JSON.parse gives', () => {
    const lines = [
      line('int', 1, '1'),
      line('negative', 2, '-0.25'),
      line('exponent', 3, '1.5e-3'),
      line('huge', 4, '1e400'),
      line('text', 5, '"1=benign"'),
      line('escaped', 6, '"a\\"b"'),
      line('unicode', 7, '"é"'),
      line('true', 8, 'true'),
      line('false', 9, 'false'),
      line('null', 10, 'null'),
      line('rows', 11, '[0, 1, "2"]'),
      line('object', 12, '{"class": 1}'),
      line('leading-zero', 13, '01'),
      line('plus', 14, '+1'),
      '{"timestamp":"2026-01-01T00:00:15.000Z","request_id":"reordered","label":3}',
      '{"request_id": "spaced", "timestamp": "2026-01-01T00:00:16.000Z", "label": 4}',
      '{"request_id":"no-time","label":5}',
      '{"request_id":"odd-time","timestamp":"yesterday","label":6}',
      '{"request_id":"other-time","timestamp":"2026-01-01T00:00:17Z","label":7}',
      '{"request_id":"no-label","timestamp":"2026-01-01T00:00:18.000Z"}',
      '',
      'not json',
      line('torn', 19, '1').slice(0, -3),
    ];
    const dir = join(temp.path, 'kinds');
    mkdirSync(dir);
    writeFileSync(join(dir, 'feedback-20260101T000000Z-1-0000.jsonl'), `${lines.join('\n')}\n`);
    assert.deepEqual(readFeedback(dir), parsedLabels(lines));
  });

  test('a later label replaces an earlier one by time, across files and out of order', () => {
    const first = [line('a', 5, '0'), line('b', 6, '0'), line('a', 9, '1')];
    const second = [line('b', 3, '1'), line('c', 1, '"x"'), line('c', 2, '"y"')];
    const dir = join(temp.path, 'order');
    mkdirSync(dir);
    writeFileSync(join(dir, 'feedback-20260101T000000Z-1-0000.jsonl'), `${first.join('\n')}\n`);
    // The last line without its newline is still a whole label.
    writeFileSync(join(dir, 'feedback-20260101T000000Z-1-0001.jsonl'), second.join('\n'));
    const labels = readFeedback(dir);
    assert.deepEqual(labels, parsedLabels([...first, ...second]));
    assert.deepEqual(Object.fromEntries(labels), { a: [1], b: [0], c: ['y'] });
  });
});

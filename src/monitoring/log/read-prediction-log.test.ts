/**
 * The prediction log is read a chunk of a few MiB at a time: lines that straddle two chunks, a
 * line longer than a chunk, and a torn last line read exactly as if each file were read whole.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { readPredictionLog } from './read-prediction-log.js';

const temp = makeTempDir('sluice-read-log-');
after(() => temp.remove());

const FILE = 'predictions-20260101T000000Z-1-0000.jsonl';

/** Request `k`, with `cells` numbers in its one row: lines of every length. */
function line(k: number, cells: number): string {
  const row = Object.fromEntries(Array.from({ length: cells }, (_, c) => [`f${c}`, (k * 7 + c) / 3]));
  return JSON.stringify({ request_id: `r${k}`, timestamp: new Date(Date.UTC(2026, 0, 1) + k).toISOString(), model: 'm', version: '1', protocol: 'predict', inputs: [row], outputs: [{ label: null, probabilities: { a: 0.5 } }] });
}

describe('reading the prediction log in chunks', () => {
  test('lines across chunk edges and longer than a chunk are read whole, with their offsets', () => {
    const dir = join(temp.path, 'chunks');
    mkdirSync(dir);
    // About 9 MiB of lines of varied lengths, one of them about 5 MiB (longer than a chunk).
    const lines = Array.from({ length: 6_000 }, (_, k) => line(k, k === 2_500 ? 250_000 : 10 + (k % 97)));
    writeFileSync(join(dir, FILE), `${lines.join('\n')}\n`);
    const read = readPredictionLog(dir);
    assert.equal(read.predictions.length, lines.length);
    assert.equal(read.skipped, 0);
    let end = 0;
    read.predictions.forEach((record, k) => {
      end += Buffer.byteLength(lines[k]!) + 1;
      assert.equal(record.request_id, `r${k}`);
      assert.equal(record.end, end, `the offset just past line ${k}`);
      assert.deepEqual(record.inputs, (JSON.parse(lines[k]!) as { inputs: unknown }).inputs);
    });
    assert.deepEqual(read.position, { [FILE]: end });
  });

  test('a torn last line is left for the next read, which starts at its first byte', () => {
    const dir = join(temp.path, 'torn');
    mkdirSync(dir);
    const lines = Array.from({ length: 3_000 }, (_, k) => line(k, 200));
    const torn = line(3_000, 200);
    writeFileSync(join(dir, FILE), `${lines.join('\n')}\n${torn.slice(0, 100)}`);
    const first = readPredictionLog(dir);
    assert.equal(first.predictions.length, lines.length);
    appendFileSync(join(dir, FILE), `${torn.slice(100)}\n`);
    const second = readPredictionLog(dir, first.position);
    assert.deepEqual(second.predictions.map((record) => record.request_id), ['r3000']);
    assert.equal(second.skipped, 0);
  });

  test('a failed request logged with a status that is no HTTP status counts as a failure (599), not an answer', () => {
    const dir = join(temp.path, 'status');
    mkdirSync(dir);
    const failed = (id: string, status: unknown) => JSON.stringify({ request_id: id, timestamp: '2026-01-01T00:00:00.000Z', model: 'm', version: '1', protocol: 'predict', error: { status } });
    writeFileSync(join(dir, FILE), `${[failed('zero', 0), failed('fraction', 502.5), failed('bad-gateway', 502)].join('\n')}\n`);
    assert.deepEqual(readPredictionLog(dir).predictions.map((record) => [record.request_id, record.error]), [['zero', 599], ['fraction', 599], ['bad-gateway', 502]]);
  });
});

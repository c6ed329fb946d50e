/**
 * Reading the log on two threads must give exactly what one read gives: the same records in the
 * same order, the same rows, the same position and the same count of skipped lines.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { seenOfRead } from '../../../test/support/decoded-read.js';
import { readDecodedLog, type DecodedLogRead } from './decode-log.js';
import type { ServedSignature } from './logged-rows.js';
import { LogRecords } from './log-records.js';
import { appendByTime, readDecodedLogInParallel } from './parallel-decode.js';

const SIGNATURE: ServedSignature = { features: ['a', 'b', 'c'], classes: ['0=no', '1=yes'] };
const ANSWER = '{"label":"1=yes","probabilities":{"0=no":0.25,"1=yes":0.75}}';

const temp = makeTempDir('sluice-parallel-decode-');
after(() => temp.remove());

/** A request logged at second `second`: plain rows mostly, and now and then every other kind of line. */
function line(file: number, k: number): string {
  const id = `f${file}-${k}`;
  const time = `2026-01-01T00:${String(Math.floor(k / 60) % 60).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}.${String(file).padStart(3, '0')}Z`;
  const head = `{"request_id":"${id}","timestamp":"${time}","model":"m","version":"${1 + (k % 2)}"`;
  switch (k % 11) {
    case 3:
      return `${head},"protocol":"predict","inputs":[{"a":"text","b":true,"c":null}],"outputs":[${ANSWER}]}`;
    case 5:
      return `${head},"protocol":"predict","inputs":[{"a":1,"b":2,"c":3}],"outputs":[${ANSWER}],"shadow":true}`;
    case 7:
      return `${head},"protocol":"predict","error":{"status":400}}`;
    case 9:
      return `${head},"protocol":"predict","inputs":[{"a":1,"b":2,"c":3}],"outputs":[${ANSWER}],"latency_ms":1.5`; // torn
    default:
      return `${head},"protocol":"predict","inputs":[{"a":${k},"b":${file}.5,"c":-${k}},{"a":${k + 1},"b":null,"c":0}],"outputs":[${ANSWER},${ANSWER}],"latency_ms":${k % 13}}`;
  }
}

function writeLog(dir: string, files: number, lines: number): void {
  mkdirSync(dir, { recursive: true });
  for (let file = 0; file < files; file++) {
    writeFileSync(join(dir, `predictions-20260101T000000Z-1-${String(file).padStart(4, '0')}.jsonl`), `${Array.from({ length: lines }, (_, k) => line(file, k)).join('\n')}\n`);
  }
}

/** Everything a pass reads of a decoded log, the rows' cells included, and where the read stopped. */
function summary(read: DecodedLogRead): unknown {
  return { seen: seenOfRead(read, SIGNATURE), skipped: read.skipped, position: read.position };
}

describe('reading the prediction log on two threads', () => {
  test('gives the records, rows, position and skipped lines of one read', async () => {
    const dir = join(temp.path, 'log');
    writeLog(dir, 5, 400);
    const parallel = await readDecodedLogInParallel(dir, SIGNATURE, {}, undefined, 0);
    const serial = readDecodedLog(dir, SIGNATURE);
    assert.ok(parallel.records.length > 1500, 'most lines were read');
    assert.deepEqual(summary(parallel), summary(serial));
  });

  test('reads from a position and up to a span as one read does', async () => {
    const dir = join(temp.path, 'partial');
    writeLog(dir, 4, 200);
    const first = readDecodedLog(dir, SIGNATURE);
    // More lines land after the first read; a span of two files stops at the first read's end.
    appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), `${line(1, 999)}\n`);
    appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0003.jsonl'), `${line(3, 998)}\n`);
    assert.deepEqual(summary(await readDecodedLogInParallel(dir, SIGNATURE, first.position, undefined, 0)), summary(readDecodedLog(dir, SIGNATURE, first.position)));
    const span = { 'predictions-20260101T000000Z-1-0000.jsonl': first.position['predictions-20260101T000000Z-1-0000.jsonl']!, 'predictions-20260101T000000Z-1-0003.jsonl': first.position['predictions-20260101T000000Z-1-0003.jsonl']! };
    assert.deepEqual(summary(await readDecodedLogInParallel(dir, SIGNATURE, {}, span, 0)), summary(readDecodedLog(dir, SIGNATURE, {}, span)));
  });

  test('splits a single file at a line start, whatever the byte the shares meet at', async () => {
    const dir = join(temp.path, 'single');
    writeLog(dir, 1, 300);
    const serial = summary(readDecodedLog(dir, SIGNATURE));
    assert.deepEqual(summary(await readDecodedLogInParallel(dir, SIGNATURE, {}, undefined, 0)), serial);
    // Logs one byte longer and shorter move the cut across line boundaries.
    for (const extra of ['', '\n', 'x\n']) {
      appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0000.jsonl'), extra);
      assert.deepEqual(summary(await readDecodedLogInParallel(dir, SIGNATURE, {}, undefined, 0)), summary(readDecodedLog(dir, SIGNATURE)));
    }
  });

  test('gives what one read gives when later lines hold far more rows than the first ones promised', async () => {
    const dir = join(temp.path, 'batches');
    mkdirSync(dir, { recursive: true });
    const batch = (file: number, k: number) => {
      const rows = Array.from({ length: 12 }, (_, r) => `{"a":${k + r},"b":${file},"c":${r}}`).join(',');
      return `{"request_id":"b${file}-${k}","timestamp":"2026-01-01T00:00:${String(k % 60).padStart(2, '0')}.${String(file).padStart(3, '0')}Z","model":"m","version":"1","protocol":"predict","inputs":[${rows}],"outputs":[${Array.from({ length: 12 }, () => ANSWER).join(',')}]}`;
    };
    writeFileSync(join(dir, 'predictions-20260101T000000Z-1-0000.jsonl'), `${Array.from({ length: 200 }, (_, k) => line(0, k)).join('\n')}\n`);
    for (let file = 1; file < 4; file++) writeFileSync(join(dir, `predictions-20260101T000000Z-1-000${file}.jsonl`), `${Array.from({ length: 150 }, (_, k) => batch(file, k)).join('\n')}\n`);
    assert.deepEqual(summary(await readDecodedLogInParallel(dir, SIGNATURE, {}, undefined, 0)), summary(readDecodedLog(dir, SIGNATURE)));
  });

  test('merges two halves in time order as a stable sort would, whatever their overlap, rows moved to where the second\'s were appended', () => {
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % below;
    for (let round = 0; round < 200; round++) {
      // Times with ties; the second half starts anywhere from before the first to after it.
      const half = (from: number, side: string) => {
        const times = Array.from({ length: random(40) }, () => from + random(30)).sort((x, y) => x - y);
        return times.map((time, k) => ({ request_id: `${side}-${k}`, time, model: 'm', version: '1', protocol: 'predict', inputs: undefined, outputs: undefined, shadow: false, file: 'predictions-a.jsonl', end: 0, decoded: { start: k, count: 1 } }));
      };
      const first = half(0, 'first');
      const second = half(random(60) - 10, 'second');
      const expected = [...first, ...second.map((record) => ({ ...record, decoded: { start: record.decoded.start + first.length, count: 1 } }))].sort((x, y) => x.time - y.time);
      const merged = appendByTime(LogRecords.from(first), LogRecords.from(second), first.length);
      const order = Array.from({ length: merged.length }, (_, index) => ({ id: merged.requestIds[index], time: merged.time(index), rows: merged.decoded(index) }));
      assert.deepEqual(order, expected.map((record) => ({ id: record.request_id, time: record.time, rows: record.decoded })), `round ${round}`);
    }
  });
});

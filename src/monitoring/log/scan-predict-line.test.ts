/**
 * Reading the prediction log for a window decodes the common `/predict` line straight from its
 * bytes; every line, of that shape or not, must give exactly the rows, cells, answers, offsets
 * and skipped lines that parsing it with JSON.parse gives.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { readDecodedLog, windowRowsOf } from './decode-log.js';
import { loggedRows, type ServedSignature } from './logged-rows.js';
import { LogRecords } from './log-records.js';
import { readLogLines, type LoggedPrediction, type LogPosition } from './read-prediction-log.js';
import { RowArena } from './row-arena.js';
import { PredictLineScanner } from './scan-predict-line.js';
import type { WindowRows } from './window-rows.js';

const SIGNATURE: ServedSignature = { features: ['a', 'b', 'c'], classes: ['0=no', '1=yes'] };

const temp = makeTempDir('sluice-scan-line-');
after(() => temp.remove());

function line(id: string, inputs: string, outputs: string, extra = ''): string {
  return `{"request_id":"${id}","timestamp":"2026-01-01T00:00:0${id.length % 10}.000Z","model":"m","version":"1","protocol":"predict","inputs":${inputs},"outputs":${outputs}${extra}}`;
}

const ANSWER = '{"label":"1=yes","probabilities":{"0=no":0.25,"1=yes":0.75}}';

/** Lines of the plain shape with every kind of number, and lines the scanner must hand to JSON.parse. */
const LINES = [
  line('plain', '[{"a":1,"b":2.5,"c":-3}]', `[${ANSWER}]`),
  line('spaces', '[ { "a" : 1e3 , "b": -0, "c": 0.000012 } ]', `[${ANSWER}]`),
  line('reordered', '[{"c":3,"a":1,"extra":7,"b":null}]', `[${ANSWER}]`),
  line('absent', '[{"a":12345678901234567890,"b":1.7976931348623157e308}]', '[{"label":null,"probabilities":{"0=no":null,"1=yes":1.0E-7}}]'),
  line('long', '[{"a":0.1234567890123456789,"b":1e-400,"c":5e+22}]', '[{"label":"0=no","probabilities":{"0=no":0.9999999829511242,"1=yes":1.7048875727531e-8}}]'),
  line('rows', '[{"a":1,"b":2,"c":3},{"a":4,"b":5,"c":6}]', `[${ANSWER},${ANSWER}]`),
  line('text', '[{"a":"7","b":true,"c":""}]', `[${ANSWER}]`),
  line('repeated', '[{"a":1,"a":2,"b":3,"c":4}]', `[${ANSWER}]`),
  line('escaped\\u0041', '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`),
  line('unicode-é', '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`),
  line('fewer-answers', '[{"a":1,"b":2,"c":3},{"a":4,"b":5,"c":6}]', `[${ANSWER}]`),
  line('swapped-classes', '[{"a":1,"b":2,"c":3}]', '[{"label":"1=yes","probabilities":{"1=yes":0.75,"0=no":0.25}}]'),
  line('value', '[{"a":1,"b":2,"c":3}]', '[{"value":0.5}]'),
  line('shadow', '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`, ',"shadow":true'),
  line('bad-number', '[{"a":01,"b":2,"c":3}]', `[${ANSWER}]`),
  line('bad-fraction', '[{"a":1.,"b":2,"c":3}]', `[${ANSWER}]`),
  line('nested', '[{"a":[1],"b":2,"c":3}]', `[${ANSWER}]`),
  line('not-null', '[{"a":1,"b":nul,"c":3}]', `[${ANSWER}]`),
  line('null-last', '[{"a":1,"b":2,"c":null}]', `[${ANSWER}]`),
  line('empty', '[]', '[]'),
  '{"request_id":"v2","timestamp":"2026-01-01T00:00:02.000Z","model":"m","version":"1","protocol":"v2","inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}],"outputs":[]}',
  line('torn', '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`).slice(0, -10),
  '',
  line('last', '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`) + ' ',
];

/** The same log read with the JSON.parse path only. */
function readSlowly(dir: string): { rows: WindowRows; read: { predictions: LoggedPrediction[]; skipped: number; position: LogPosition }; undecodable: string[] } {
  const arena = new RowArena(SIGNATURE.features, SIGNATURE.classes!);
  const predictions: LoggedPrediction[] = [];
  const { skipped, position } = readLogLines(dir, {}, undefined, {
    record(record) {
      const decoded = loggedRows(record, SIGNATURE);
      predictions.push({ ...record, decoded: record.shadow ? undefined : decoded.ok ? { start: arena.push(decoded.rows), count: decoded.rows.length } : { problem: decoded.problem } });
    },
  });
  predictions.sort((a, b) => a.time - b.time);
  const undecodable: { requestId: string; problem: string }[] = [];
  const rows = windowRowsOf(answered(LogRecords.from(predictions)), arena, undecodable);
  return { read: { predictions, skipped, position }, rows, undecodable: undecodable.map((each) => each.requestId) };
}

/** The records that are not shadow answers (a window's). */
function answered(records: LogRecords): LogRecords {
  return records.pick(Array.from({ length: records.length }, (_, index) => index).filter((index) => !records.isShadow(index)));
}

function recordsOf(records: LogRecords): LoggedPrediction[] {
  return Array.from({ length: records.length }, (_, index) => records.at(index));
}

/** Each feature is asked for once (its cells are the caller's); both reads keep their arena's order. */
function cells(rows: WindowRows): unknown[] {
  const features = SIGNATURE.features.map((name) => rows.feature(name));
  return Array.from({ length: rows.length }, (_, row) => ({
    id: rows.requestId(row),
    index: rows.index(row),
    prediction: rows.prediction(row),
    value: rows.predictionValue(row, undefined, SIGNATURE.classes),
    features: features.map((column) => [column.tags[row], Object.is(column.values[row], -0) ? '-0' : column.values[row], column.other(row)]),
  }));
}

describe('decoding /predict lines from their bytes', () => {
  test('gives the rows, answers, offsets and skipped lines JSON.parse gives, for every line', () => {
    const dir = join(temp.path, 'log');
    mkdirSync(dir);
    writeFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), `${LINES.join('\n')}\n`);
    const fast = readDecodedLog(dir, SIGNATURE);
    const slow = readSlowly(dir);
    const strip = (predictions: readonly LoggedPrediction[]) => predictions.map(({ request_id, time, model, version, protocol, shadow, file, end }) => ({ request_id, time, model, version, protocol, shadow, file, end }));
    assert.deepEqual(strip(recordsOf(fast.records)), strip(slow.read.predictions));
    assert.equal(fast.skipped, slow.read.skipped);
    assert.deepEqual(fast.position, slow.read.position);
    const undecodable: { requestId: string; problem: string }[] = [];
    const rows = windowRowsOf(answered(fast.records), fast.arena, undecodable);
    assert.deepEqual(cells(rows), cells(slow.rows));
    assert.deepEqual(undecodable.map((each) => each.requestId), slow.undecodable);
    assert.ok(rows.length > 10, 'most lines were read');
  });

  test('timestamps are read as Date.parse reads them, in every form', () => {
    const stamps = ['2026-12-31T23:59:59.999Z', '2024-02-29T12:00:00.000Z', '2026-02-31T00:00:00.000Z', '0099-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+02:00', '+012026-01-01T00:00:00.000Z', '2026-01-0xT00:00:00.000Z', 'yesterday'];
    const dir = join(temp.path, 'stamps');
    mkdirSync(dir);
    const lines = stamps.map((stamp, k) => line(`t${k}`, '[{"a":1,"b":2,"c":3}]', `[${ANSWER}]`).replace(/"timestamp":"[^"]*"/, `"timestamp":${JSON.stringify(stamp)}`));
    writeFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), `${lines.join('\n')}\n`);
    const fast = readDecodedLog(dir, SIGNATURE);
    const expected = stamps.map((stamp, k) => ({ id: `t${k}`, time: Date.parse(stamp) })).filter(({ time }) => !Number.isNaN(time));
    assert.deepEqual(
      recordsOf(fast.records).map((prediction) => ({ id: prediction.request_id, time: prediction.time })).sort((a, b) => a.id.localeCompare(b.id)),
      expected.sort((a, b) => a.id.localeCompare(b.id)),
    );
    assert.equal(fast.skipped, stamps.length - expected.length);
  });

  test('the plain lines are the ones read from bytes; the others are left to JSON.parse', () => {
    const records = new LogRecords();
    const scanner = new PredictLineScanner(new RowArena(SIGNATURE.features, SIGNATURE.classes!), records);
    const scanned = LINES.filter((text) => {
      const bytes = Buffer.from(`${text}\n`);
      const before = records.length;
      const end = scanner.scan(bytes, 0, bytes.length, 'f', 0);
      assert.equal(records.length, end >= 0 ? before + 1 : before, 'a line is read into the records exactly when it is taken');
      return end >= 0;
    }).map((text) => (JSON.parse(text) as { request_id: string }).request_id);
    assert.deepEqual(scanned, ['plain', 'spaces', 'reordered', 'absent', 'long', 'rows', 'null-last']);
  });

  test('numbers of up to 15 digits are read as JSON.parse reads them', () => {
    const dir = join(temp.path, 'numbers');
    mkdirSync(dir);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const numbers = Array.from({ length: 3000 }, (_, k) => {
      const digits = 1 + (k % 15);
      const mantissa = String(1 + Math.floor(random() * (10 ** digits - 1)));
      const point = Math.floor(random() * mantissa.length);
      const exponent = k % 3 === 0 ? `e${Math.floor(random() * 44) - 22}` : '';
      return `${k % 2 ? '-' : ''}${mantissa.slice(0, point) || '0'}${point < mantissa.length ? `.${mantissa.slice(point)}` : ''}${exponent}`;
    });
    const lines = [];
    for (let k = 0; k < numbers.length; k += 3) lines.push(line(`n${k}`, `[{"a":${numbers[k]},"b":${numbers[k + 1]},"c":${numbers[k + 2]}}]`, `[${ANSWER}]`));
    writeFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), `${lines.join('\n')}\n`);
    const fast = readDecodedLog(dir, SIGNATURE);
    const rows = windowRowsOf(fast.records, fast.arena, []);
    assert.equal(rows.length, 1000);
    const read = SIGNATURE.features.map((name) => rows.feature(name).values);
    for (let k = 0; k < 3000; k++) assert.ok(Object.is(read[k % 3]![Math.floor(k / 3)], JSON.parse(numbers[k]!)), `${numbers[k]}`);
  });
});

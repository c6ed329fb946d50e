/**
 * Logged records held column by column give back what was pushed, through picks and appends,
 * whatever the names (an empty version, as a failed request may log) and wherever the rows moved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogRecords } from './log-records.js';
import type { LoggedPrediction } from './read-prediction-log.js';

function record(k: number, fields: Partial<LoggedPrediction> = {}): LoggedPrediction {
  return { request_id: `r${k}`, time: 1_000 + k, model: 'm', version: '1', protocol: 'predict', inputs: undefined, outputs: undefined, shadow: false, latency: k / 2, file: 'predictions-a.jsonl', end: 100 * (k + 1), decoded: { start: k, count: 1 }, ...fields };
}

/** The records as objects, without the fields left undefined. */
function objects(records: LogRecords): unknown[] {
  return Array.from({ length: records.length }, (_, index) => Object.fromEntries(Object.entries(records.at(index)).filter(([, value]) => value !== undefined)));
}

function defined(list: readonly LoggedPrediction[]): unknown[] {
  return list.map((each) => Object.fromEntries(Object.entries(each).filter(([, value]) => value !== undefined)));
}

describe('logged records in columns', () => {
  test('an empty model or version, first in its table, reads back as empty through picks and appends', () => {
    const failed = record(0, { model: '', version: '', error: 503, decoded: undefined, latency: undefined });
    const list = [failed, record(1), record(2, { version: '' })];
    const table = LogRecords.from(list);
    assert.deepEqual(objects(table), defined(list));
    assert.deepEqual(objects(table.pick([2, 0])), defined([list[2]!, list[0]!]));
    const other = LogRecords.from([record(3, { file: 'predictions-b.jsonl' })]);
    other.append(table);
    assert.deepEqual(objects(other), defined([record(3, { file: 'predictions-b.jsonl' }), ...list]));
  });

  test('appended records keep their fields, their rows moved by the offset given; packed and unpacked they are the same', () => {
    const list = [record(0), record(1, { shadow: true, decoded: undefined, inputs: [{ a: 1 }], outputs: [] }), record(2, { decoded: { problem: 'a text cell' } })];
    const table = new LogRecords(1);
    table.append(LogRecords.from(list), 10);
    assert.deepEqual(table.decoded(0), { start: 10, count: 1 });
    assert.equal(table.decoded(1), undefined);
    assert.deepEqual(table.decoded(2), { problem: 'a text cell' });
    assert.deepEqual(table.at(1).inputs, [{ a: 1 }]);
    const { packed } = table.pack();
    assert.deepEqual(objects(LogRecords.unpack(packed)), objects(table));
  });
});

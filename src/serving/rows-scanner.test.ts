/** `/predict` bodies read straight into a float32 matrix: the same values as JSON.parse, or nothing. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { scanRowsBody } from './rows-scanner.js';

/** The breast-cancer test rows as `/predict` objects (numbers as the CSV writes them). */
function fixtureRows(): Record<string, number>[] {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, c) => [columns[c]!, Number(value)]).filter(([name]) => name !== 'target')));
}

/** What JSON.parse and a Float32Array make of the body: the reference. */
function expected(text: string): { keys: string[]; data: Float32Array } {
  const rows = (JSON.parse(text) as { rows: Record<string, number>[] }).rows;
  const keys = Object.keys(rows[0]!);
  return { keys, data: Float32Array.from(rows.flatMap((row) => keys.map((key) => row[key]!))) };
}

test('the fixture rows read as JSON.parse reads them, with their text kept for the prediction log', () => {
  const text = JSON.stringify({ rows: fixtureRows() });
  const scanned = scanRowsBody(text)!;
  const reference = expected(text);
  assert.equal(scanned.rows, fixtureRows().length);
  assert.deepEqual(scanned.keys, reference.keys);
  assert.deepEqual(scanned.data, reference.data);
  assert.equal(scanned.rowsText, JSON.stringify(fixtureRows()));
});

test('numbers convert exactly as JSON.parse converts them, past the fast path too', () => {
  const numbers = ['0', '-0', '0.1', '-2.5', '17.99', '1e-7', '1E+3', '-3.4e38', '123456789012345678', '0.000000000000000000000012345', '3.14159265358979323846', '5e-324', '1.5e-45'];
  const text = `{"rows": [${numbers.map((number) => `{"x": ${number}}`).join(', ')}]}`;
  const scanned = scanRowsBody(text)!;
  numbers.forEach((number, row) => assert.ok(Object.is(scanned.data[row], Math.fround(JSON.parse(number) as number)), number));
});

test('rows listing the keys in different orders land in the first row\'s order; whitespace and newlines are allowed', () => {
  const text = '{\n  "rows": [\r\n {"a": 1, "b": 2},\n {"b": 4, "a": 3}\n ]\n}\n';
  const scanned = scanRowsBody(text)!;
  assert.deepEqual(scanned.keys, ['a', 'b']);
  assert.deepEqual([...scanned.data], [1, 2, 3, 4]);
  assert.ok(!/[\r\n]/.test(scanned.rowsText));
  assert.deepEqual(JSON.parse(scanned.rowsText), [{ a: 1, b: 2 }, { b: 4, a: 3 }]);
});

test('anything outside the plain shape is left to the general path (undefined)', () => {
  for (const text of [
    '{"rows": [{"a": 1}], "model": "m"}',
    '{"model": "m", "rows": [{"a": 1}]}',
    '{"rows": [{"a": 1}], "rows": [{"a": 2}]}',
    '{"rows": []}',
    '{"rows": [{}]}',
    '{"rows": [{"a": 1, "a": 2}]}',
    '{"rows": [{"a": 1, "b": 2}, {"a": 3}]}',
    '{"rows": [{"a": 1}, {"a": 3, "b": 4}]}',
    '{"rows": [{"a": 1}, {"b": 3}]}',
    '{"rows": [{"\\u0061": 1}]}',
    '{"rows": [{"a": null}]}',
    '{"rows": [{"a": "1"}]}',
    '{"rows": [{"a": true}]}',
    '{"rows": [{"a": 01}]}',
    '{"rows": [{"a": 1.}]}',
    '{"rows": [{"a": .5}]}',
    '{"rows": [{"a": +1}]}',
    '{"rows": [{"a": 1e}]}',
    '{"rows": [{"a": 1e39}]}',
    '{"rows": [{"a": 1e400}]}',
    '{"rows": [{"a": 1},]}',
    '{"rows": [{"a": 1}]',
    '{"rows": [{"a": 1}]} x',
    '{"rows": [[1, 2]]}',
    '[{"a": 1}]',
    '',
  ]) {
    assert.equal(scanRowsBody(text), undefined, text);
  }
});

test('a thousand rows grow the matrix past its first allocation', () => {
  const rows = Array.from({ length: 1_000 }, (_, k) => ({ a: k, b: -k / 8 }));
  const scanned = scanRowsBody(JSON.stringify({ rows }))!;
  assert.equal(scanned.rows, 1_000);
  assert.equal(scanned.data.length, 2_000);
  assert.equal(scanned.data[1_998], 999);
  assert.equal(scanned.data[1_999], -999 / 8);
});

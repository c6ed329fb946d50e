import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { profileFile, type ColumnProfile, type DataProfile, type NumericColumnProfile } from './index.js';

function column(profile: DataProfile, name: string): ColumnProfile {
  const found = profile.columns.find((candidate) => candidate.name === name);
  assert.ok(found, `no column ${name}`);
  return found;
}

function numeric(profile: DataProfile, name: string): NumericColumnProfile {
  const found = column(profile, name);
  assert.ok(found.type === 'integer' || found.type === 'number', `${name} is ${found.type}`);
  return found;
}

describe('profiling a table', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  /** Writes `lines` as a file in the temp dir and profiles it. */
  async function profileOf(name: string, lines: readonly string[]): Promise<DataProfile> {
    const path = join(temp.path, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return profileFile(path);
  }

  async function writeParquet(name: string, select: string): Promise<string> {
    const path = join(temp.path, name);
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
    return path;
  }

  test('counts the rows and columns and infers each column type', async () => {
    const profile = await profileOf('types.csv', [
      'id,price,name,active,day,moment',
      '1,9.5,ann,true,2024-01-02,2024-01-02 08:00:00',
      '2,3.25,bob,false,2024-01-03,2024-01-02 09:30:00',
    ]);
    assert.equal(profile.number_of_rows, 2);
    assert.equal(profile.number_of_columns, 6);
    assert.deepEqual(
      profile.columns.map((entry) => [entry.name, entry.type]),
      [['id', 'integer'], ['price', 'number'], ['name', 'string'], ['active', 'boolean'], ['day', 'date'], ['moment', 'timestamp']],
    );
  });

  test('counts empty cells as missing, and NaN in a number column too, as pandas does', async () => {
    const profile = await profileOf('missing.csv', ['n,x,label', '1,0.5,a', ',nan,', '3,,b', '4,2.5,']);
    assert.deepEqual(
      profile.columns.map(({ name, count, missing, missing_share }) => ({ name, count, missing, missing_share })),
      [
        { name: 'n', count: 3, missing: 1, missing_share: 0.25 },
        { name: 'x', count: 2, missing: 2, missing_share: 0.5 },
        { name: 'label', count: 2, missing: 2, missing_share: 0.5 },
      ],
    );
  });

  test('gives a number column its range, mean, sample std, zeros and quantiles as numpy computes them', async () => {
    const profile = await profileOf('numbers.csv', ['x', '0', '2', '', '4', '8', '16', '30']);
    const x = numeric(profile, 'x');
    assert.equal(x.type, 'integer');
    assert.deepEqual([x.count, x.missing, x.missing_share, x.distinct, x.zeros, x.infinite], [6, 1, 1 / 7, 6, 1, 0]);
    assert.deepEqual([x.min, x.max, x.mean], [0, 30, 10]);
    // Squared deviations from 10: 100 + 64 + 36 + 4 + 36 + 400 = 640, over n − 1 = 5.
    assert.equal(x.std, Math.sqrt(128));
    // numpy's linear method: position (n − 1)·q = 5q between the sorted values 0 2 4 8 16 30.
    // p05: 0.25 → 0 + 0.25·2; p25: 1.25 → 2 + 0.25·2; p50: 2.5 → 4 + 0.5·4; p75: 3.75 → 8 + 0.75·8; p95: 4.75 → 16 + 0.75·14.
    assert.deepEqual(x.quantiles, { p05: 0.5, p25: 2.5, p50: 6, p75: 14, p95: 26.5 });
  });

  test('bins numbers into 20 equal-width bins: a value on an edge goes right, the maximum into the closed last bin', async () => {
    const profile = await profileOf('edges.csv', ['k', ...Array.from({ length: 21 }, (_, k) => String(k))]);
    const { histogram } = numeric(profile, 'k');
    assert.deepEqual(histogram.edges, Array.from({ length: 21 }, (_, k) => k));
    assert.deepEqual(histogram.counts, [...new Array<number>(19).fill(1), 2]);
  });

  test('places a value that lies on a floating-point edge where numpy.histogram places it', async () => {
    // np.histogram([2.6, 2.73, 5.2], 20): 2.73 is the second edge, but (2.73 − 2.6) · 20 / 2.6 is 0.99999…
    const profile = await profileOf('float-edges.csv', ['x', '2.6', '2.73', '5.2']);
    const { histogram } = numeric(profile, 'x');
    assert.deepEqual(histogram.edges, [
      2.6, 2.73, 2.8600000000000003, 2.99, 3.12, 3.25, 3.38, 3.5100000000000002, 3.64, 3.77, 3.9000000000000004, 4.03, 4.16, 4.29, 4.42, 4.550000000000001, 4.68,
      4.8100000000000005, 4.9399999999999995, 5.07, 5.2,
    ]);
    assert.deepEqual(histogram.counts, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  test('bins a constant column over its value ± 0.5, as numpy does', async () => {
    const profile = await profileOf('constant.csv', ['c', '7', '7', '7']);
    const { histogram } = numeric(profile, 'c');
    assert.equal(histogram.edges[0], 6.5);
    assert.equal(histogram.edges[10], 7);
    assert.equal(histogram.edges[20], 7.5);
    assert.deepEqual(histogram.counts, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(numeric(profile, 'c').std, 0);
  });

  test('lists the top values of numbers with at most 50 distinct values, and none above', async () => {
    const rows = Array.from({ length: 51 }, (_, k) => `${k},${Math.min(k, 49)}`);
    const profile = await profileOf('distinct.csv', ['many,few', ...rows]);
    assert.equal(numeric(profile, 'many').distinct, 51);
    assert.equal(numeric(profile, 'many').top_values, null);
    assert.equal(numeric(profile, 'few').distinct, 50);
    assert.deepEqual(numeric(profile, 'few').top_values?.slice(0, 3), [
      { value: 49, count: 2 },
      { value: 0, count: 1 },
      { value: 1, count: 1 },
    ]);
  });

  test('gives text its lengths and its 10 most frequent values, ties in alphabetical order', async () => {
    const values = ['kiwi', 'fig', 'fig', 'fig', 'plum', 'plum', 'apple', 'apple', 'date', 'lime', 'pear', 'sloe', 'yuzu', 'nectarine', 'cherry', 'banana', ''];
    const profile = await profileOf('fruit.csv', ['fruit', ...values]);
    const fruit = column(profile, 'fruit');
    assert.equal(fruit.type, 'string');
    if (fruit.type !== 'string') return;
    assert.deepEqual([fruit.count, fruit.missing, fruit.distinct], [16, 1, 12]);
    // 3·3 (fig) + 2·4 (plum) + 2·5 (apple) + 6·4 + 9 + 2·6 = 72 characters in 16 values.
    assert.deepEqual(fruit.length, { min: 3, max: 9, mean: 4.5 });
    assert.deepEqual(fruit.top_values, [
      { value: 'fig', count: 3 },
      { value: 'apple', count: 2 },
      { value: 'plum', count: 2 },
      { value: 'banana', count: 1 },
      { value: 'cherry', count: 1 },
      { value: 'date', count: 1 },
      { value: 'kiwi', count: 1 },
      { value: 'lime', count: 1 },
      { value: 'nectarine', count: 1 },
      { value: 'pear', count: 1 },
    ]);
  });

  test('reports text of only true and false, in any case, as boolean', async () => {
    const profile = await profileOf('flags.csv', ['flag,answer', 'True,true', 'false,false', 'TRUE,maybe', 'false,', 'true,true']);
    const flag = column(profile, 'flag');
    assert.equal(flag.type, 'boolean');
    assert.equal(flag.distinct, 2);
    assert.deepEqual(flag.top_values, [
      { value: true, count: 3 },
      { value: false, count: 2 },
    ]);
    assert.equal(column(profile, 'answer').type, 'string');
  });

  test('gives dates and timestamps their first and last values and top values as ISO text', async () => {
    const profile = await profileOf('times.csv', ['day,moment', '2024-03-01,2024-03-01 10:00:00', '2024-01-15,2024-03-01 10:00:00', ',2023-12-31 23:59:59', '2024-03-01,']);
    const day = column(profile, 'day');
    const moment = column(profile, 'moment');
    assert.ok(day.type === 'date' && moment.type === 'timestamp');
    assert.deepEqual([day.min, day.max, day.missing, day.distinct], ['2024-01-15', '2024-03-01', 1, 2]);
    assert.deepEqual(day.top_values, [
      { value: '2024-03-01', count: 2 },
      { value: '2024-01-15', count: 1 },
    ]);
    assert.deepEqual([moment.min, moment.max], ['2023-12-31T23:59:59', '2024-03-01T10:00:00']);
    assert.deepEqual(moment.top_values[0], { value: '2024-03-01T10:00:00', count: 2 });
  });

  test('keeps integers beyond 2^53 exact as text, so the profile is valid JSON', async () => {
    const profile = await profileOf('big.csv', ['id', '9007199254740993', '1']);
    const id = numeric(profile, 'id');
    assert.deepEqual([id.min, id.max], [1, '9007199254740993']);
    assert.deepEqual(id.top_values?.map((entry) => entry.value), [1, '9007199254740993']);
    assert.deepEqual(JSON.parse(JSON.stringify(profile)), profile);
  });

  test('leaves statistics empty for a column without values and a table without rows', async () => {
    const nan = await profileOf('nan.csv', ['x,y', 'nan,a', 'nan,b']);
    const x = numeric(nan, 'x');
    assert.deepEqual([x.count, x.missing, x.distinct, x.min, x.max, x.mean, x.std, x.quantiles, x.zeros], [0, 2, 0, null, null, null, null, null, 0]);
    assert.deepEqual(x.histogram, { edges: [], counts: [] });
    assert.deepEqual(x.top_values, []);

    const empty = await profileOf('header-only.csv', ['a,b']);
    assert.deepEqual([empty.number_of_rows, empty.number_of_columns], [0, 2]);
    assert.deepEqual(column(empty, 'a'), { name: 'a', type: 'string', count: 0, missing: 0, missing_share: 0, distinct: 0, length: null, top_values: [] });
  });

  test('counts infinite values, which leave no standard deviation and no histogram (its bins would be infinitely wide)', async () => {
    const profile = await profileOf('infinite.csv', ['x', '1', 'inf', '2']);
    const x = numeric(profile, 'x');
    assert.deepEqual([x.count, x.infinite, x.min, x.max, x.mean, x.std], [3, 1, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, null]);
    assert.deepEqual(x.histogram, { edges: [], counts: [] });
  });

  test('profiles Parquet files, with their decimals, booleans and dates', async () => {
    const path = await writeParquet(
      'typed.parquet',
      `SELECT * FROM (VALUES (1, 2.5::DECIMAL(4, 1), true, 'a', DATE '2024-01-01'), (2, NULL, false, 'b', NULL), (3, 4.5, true, NULL, DATE '2024-03-01')) t(id, price, ok, tag, day)`,
    );
    const profile = await profileFile(path);
    assert.deepEqual(
      profile.columns.map((entry) => [entry.name, entry.type, entry.missing]),
      [['id', 'integer', 0], ['price', 'number', 1], ['ok', 'boolean', 0], ['tag', 'string', 1], ['day', 'date', 1]],
    );
    const price = numeric(profile, 'price');
    assert.deepEqual([price.min, price.max, price.mean], [2.5, 4.5, 3.5]);
    assert.deepEqual(column(profile, 'ok').top_values, [
      { value: true, count: 2 },
      { value: false, count: 1 },
    ]);
    assert.deepEqual(column(profile, 'day').top_values?.map((entry) => entry.value), ['2024-01-01', '2024-03-01']);
  });

  test('profiles JSON lines files', async () => {
    const profile = await profileOf('events.jsonl', ['{"user": "ann", "clicks": 3, "paid": true}', '{"user": "bob", "clicks": null, "paid": false}', '{"user": "ann", "clicks": 5, "paid": true}']);
    assert.deepEqual(
      profile.columns.map((entry) => [entry.name, entry.type, entry.missing, entry.distinct]),
      [['user', 'string', 0, 2], ['clicks', 'integer', 1, 2], ['paid', 'boolean', 0, 2]],
    );
    assert.deepEqual([numeric(profile, 'clicks').min, numeric(profile, 'clicks').mean], [3, 4]);
  });

  test('gives the same profile on every run, though threads finish in a different order each time', async () => {
    // Several row groups of doubles, so that DuckDB's threads share the scan.
    const path = await writeParquet('many.parquet', 'SELECT sqrt(i) * 1.1 AS x, i % 7 - 3.3 AS y FROM range(400000) r(i)');
    const runs = [await profileFile(path), await profileFile(path), await profileFile(path)];
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
  });

  test('agrees with the breast-cancer CSV: worst_smoothness has 5 missing values, and range and moments match the numbers in the file', async () => {
    const path = sharedFixture('breast_cancer', 'current_drifted.csv');
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    const names = header!.split(',');
    const valuesOf = (name: string): number[] =>
      lines.map((line) => line.split(',')[names.indexOf(name)]!).filter((cell) => cell !== '').map(Number);

    const profile = await profileFile(path);
    assert.deepEqual([profile.number_of_rows, profile.number_of_columns], [lines.length, names.length]);
    assert.equal(column(profile, 'worst_smoothness').missing, 5);
    for (const name of ['worst_smoothness', 'mean_radius', 'mean_area']) {
      const values = valuesOf(name);
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
      const profiled = numeric(profile, name);
      assert.equal(profiled.count, values.length);
      assert.equal(profiled.min, Math.min(...values));
      assert.equal(profiled.max, Math.max(...values));
      // DuckDB sums with Kahan compensation and a one-pass variance; this loop sums plainly, so
      // the two may part in the last digits.
      assert.ok(Math.abs(profiled.mean! - mean) <= 1e-12 * Math.abs(mean), `${name} mean ${profiled.mean} vs ${mean}`);
      assert.ok(Math.abs(profiled.std! - std) <= 1e-12 * std, `${name} std ${profiled.std} vs ${std}`);
    }
  });
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { findColumn, readTable } from './index.js';

describe('reading tables', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('numbers are read exactly, empty fields are missing, and labels keep their text', async () => {
    const path = join(temp.path, 'data.csv');
    writeFileSync(path, 'x,label,when\n0.1,yes,2024-01-02\n,no,2024-01-03\n1e-300,yes,\n');
    const table = await readTable(path);
    assert.equal(table.rowCount, 3);
    const x = findColumn(table, 'x')!;
    assert.equal(x.kind, 'number');
    assert.deepEqual([...(x.values as Float64Array)], [0.1, Number.NaN, 1e-300]);
    assert.deepEqual(findColumn(table, 'label')!.values, ['yes', 'no', 'yes']);
    assert.deepEqual(findColumn(table, 'when')!.values, ['2024-01-02', '2024-01-03', null]);
  });

  test('Parquet files are read like CSV', async () => {
    const path = join(temp.path, 'data.parquet');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT 1.5 AS a, 'x' AS b UNION ALL SELECT 2.5, 'y') TO '${path}' (FORMAT parquet)`);
    const table = await readTable(path);
    assert.deepEqual([...(findColumn(table, 'a')!.values as Float64Array)].sort(), [1.5, 2.5]);
  });

  test('a missing file, an unknown extension and a malformed file are clear errors', async () => {
    await assert.rejects(readTable(join(temp.path, 'nope.csv')), { code: 'SLUICE_DATA_FILE_NOT_FOUND' });
    writeFileSync(join(temp.path, 'data.xlsx'), 'x');
    await assert.rejects(readTable(join(temp.path, 'data.xlsx')), { code: 'SLUICE_DATA_UNSUPPORTED_FORMAT' });
    writeFileSync(join(temp.path, 'broken.parquet'), 'not parquet at all');
    await assert.rejects(readTable(join(temp.path, 'broken.parquet')), { code: 'SLUICE_DATA_UNREADABLE' });
  });
});

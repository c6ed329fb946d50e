import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { findColumn, readTable, streamTable } from './index.js';

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

  /** A CSV of `rows` rows: x = row, y = row / 4 with every seventh cell empty, and a label. */
  function writeRows(name: string, rows: number): string {
    const path = join(temp.path, name);
    const lines = ['x,y,label'];
    for (let row = 0; row < rows; row++) lines.push(`${row},${row % 7 === 0 ? '' : row / 4},l${row % 3}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  /** `writeRows` as Parquet (which is read streamed). */
  async function writeParquetRows(name: string, rows: number): Promise<string> {
    const csv = writeRows(`${name}.csv`, rows);
    const path = join(temp.path, name);
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`);
    return path;
  }

  test('two files read at once are both read whole, in file order', async () => {
    // Streamed results (Parquet's) on one shared connection cut each other short; each read has its own.
    const [first, second] = await Promise.all([readTable(await writeParquetRows('first.parquet', 50_000)), readTable(await writeParquetRows('second.parquet', 30_000))]);
    assert.equal(first.rowCount, 50_000);
    assert.equal(second.rowCount, 30_000);
    const x = findColumn(second, 'x')!.values as Float64Array;
    assert.equal(x.length, 30_000);
    assert.ok(x.every((value, row) => value === row));
  });

  test('with sharedMemory, number columns are over SharedArrayBuffers and hold the same values, text columns the same text', async () => {
    const path = writeRows('shared.csv', 70_000);
    const [plain, shared] = await Promise.all([readTable(path), readTable(path, { sharedMemory: true })]);
    for (const name of ['x', 'y']) {
      const values = findColumn(shared, name)!.values as Float64Array;
      assert.ok(values.buffer instanceof SharedArrayBuffer, `${name} is over shared memory`);
      assert.equal(values.length, 70_000);
      assert.deepEqual(values, new Float64Array(findColumn(plain, name)!.values as Float64Array));
    }
    assert.ok(Number.isNaN((findColumn(shared, 'y')!.values as Float64Array)[7]));
    assert.deepEqual(findColumn(shared, 'label')!.values, findColumn(plain, 'label')!.values);
    assert.ok((findColumn(plain, 'x')!.values as Float64Array).buffer instanceof ArrayBuffer, 'by default a column owns an ordinary buffer');
  });

  /** 100,000 rows of numbers with text at row 90,000: past the rows DuckDB samples to choose the column's type. */
  function writeLateBadRow(name: string): string {
    const path = join(temp.path, name);
    const lines = ['x,y'];
    for (let row = 0; row < 100_000; row++) lines.push(row === 90_000 ? 'abc,1' : `${row},${row / 2}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  test('a row that fails late in the file is an error naming its line, not a table cut short there', async () => {
    const path = writeLateBadRow('late-bad.csv');
    await assert.rejects(readTable(path), (error: Error & { code?: string }) => error.code === 'SLUICE_DATA_MIXED_COLUMN' && /line 90002: column "x" holds "abc", which is not a number like the values before it/.test(error.message));
    await assert.rejects(readTable(path, { sharedMemory: true }), { code: 'SLUICE_DATA_MIXED_COLUMN' });
  });

  test('a Parquet file damaged past its first row groups is an error, not the rows before the damage', async () => {
    const path = join(temp.path, 'groups.parquet');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT i::DOUBLE AS x, (i * 7 % 1000)::DOUBLE / 3 AS y FROM range(200000) t(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
    assert.equal((await readTable(path, { sharedMemory: true })).rowCount, 200_000);
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length * 0.7);
    for (let i = 0; i < 2000; i++) bytes[at + i] = (i * 37) & 0xff;
    const damaged = join(temp.path, 'damaged.parquet');
    writeFileSync(damaged, bytes);
    await assert.rejects(readTable(damaged, { sharedMemory: true }), { code: 'SLUICE_DATA_UNREADABLE' });
  });

  test('streamed in batches, a file whose row fails late raises that error instead of ending early', async () => {
    const path = writeLateBadRow('late-bad-stream.csv');
    let rows = 0;
    await assert.rejects(
      (async () => {
        for await (const batch of streamTable(path, 10_000)) rows += batch.rowCount;
      })(),
      (error: Error & { code?: string }) => error.code === 'SLUICE_DATA_MIXED_COLUMN' && /line 90002: column "x" holds "abc"/.test(error.message),
    );
    assert.ok(rows < 100_000, `${rows} rows came before the error`);
  });

  test('streamed in batches, a whole file comes in order, every row once', async () => {
    const path = writeRows('batches.csv', 50_000);
    const seen: number[] = [];
    for await (const batch of streamTable(path, 8_192)) seen.push(...(findColumn(batch, 'x')!.values as Float64Array));
    assert.equal(seen.length, 50_000);
    assert.ok(seen.every((value, row) => value === row));
  });

  test('a Parquet file with columns and no rows reads as an empty table with those columns', async () => {
    const path = join(temp.path, 'empty.parquet');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT 1.5 AS a, 'x' AS b WHERE false) TO '${path}' (FORMAT parquet)`);
    const table = await readTable(path, { sharedMemory: true });
    assert.equal(table.rowCount, 0);
    assert.deepEqual(table.columns.map((column) => [column.name, column.kind, column.values.length]), [['a', 'number', 0], ['b', 'string', 0]]);
  });

  test('a batched read left early releases its connection: later reads of the file work', async () => {
    const path = await writeParquetRows('abandoned.parquet', 40_000);
    for (let attempt = 0; attempt < 3; attempt++) {
      for await (const batch of streamTable(path, 4_096)) {
        assert.ok(batch.rowCount > 0);
        break;
      }
    }
    assert.equal((await readTable(path)).rowCount, 40_000);
  });
});

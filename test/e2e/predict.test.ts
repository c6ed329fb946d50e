/**
 * `sluice predict` (issue 19): batch scoring of a table with a model file or a registered
 * version. The probabilities equal the fixture's reference predictions to 1e-5, Parquet holds
 * the same values as CSV, a file streamed in many batches scores as one, and bad input is a clear
 * error with exit 2. Memory at 1M rows is measured by `npm run bench:predict`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';

const TEST_CSV = sharedFixture('breast_cancer', 'test.csv');
const LOGREG = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');

/** test_predictions.csv's columns for one model: [p0, p1] per row. */
function reference(model: string): number[][] {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test_predictions.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const p0 = columns.indexOf(`${model}_p0`);
  const p1 = columns.indexOf(`${model}_p1`);
  return lines.map((line) => line.split(',')).map((cells) => [Number(cells[p0]), Number(cells[p1])]);
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: header!.split(','), rows: lines.map((line) => line.split(',')) };
}

describe('sluice predict', () => {
  let repo: ScratchRepo;
  before(async () => {
    repo = scratchRepo({ 'README.md': 'scoring\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_mlp.onnx'), '--name', 'bc', '--alias', 'champion']).code, 0);
    // test.csv repeated 1,000 times, in order.
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(`COPY (SELECT t.* EXCLUDE (i) FROM range(1000) r, (SELECT *, row_number() OVER () AS i FROM read_csv('${TEST_CSV}')) t ORDER BY r.range, t.i) TO '${join(repo.outside, 'copies.csv')}' (HEADER)`);
  });
  after(() => repo.remove());

  test('probabilities equal the reference predictions to 1e-5, with kept columns first and the most probable class', () => {
    const result = sluice(repo.root, ['predict', '--model', LOGREG, '--data', TEST_CSV, '--exclude', 'target', '--keep', 'target', '--out', 'scored.csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Scored 171 rows of .*test\.csv with .*bc_logreg\.onnx in [\d.]+s/);
    const { header, rows } = readCsv(join(repo.root, 'scored.csv'));
    assert.deepEqual(header, ['target', 'prediction', 'probability_0=malignant', 'probability_1=benign']);
    const expected = reference('bc_logreg');
    rows.forEach((row, i) => {
      assert.ok(Math.abs(Number(row[2]) - expected[i]![0]!) <= 1e-5 && Math.abs(Number(row[3]) - expected[i]![1]!) <= 1e-5, `row ${i}`);
      assert.equal(row[1], Number(row[3]) > Number(row[2]) ? '1=benign' : '0=malignant');
    });
  });

  test('rows with a missing value get an empty prediction, not the first class, and are counted in a warning', () => {
    // current_drifted.csv has 5 rows with no worst_smoothness.
    const result = sluice(repo.root, ['predict', '--model', LOGREG, '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--keep', 'target', '--out', 'drifted.csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: 5 rows have a missing value the model cannot take: their prediction is empty/);
    const { rows } = readCsv(join(repo.root, 'drifted.csv'));
    assert.equal(rows.filter((row) => row[1] === '' && row[2] === '' && row[3] === '').length, 5);
    assert.ok(rows.filter((row) => row[1] !== '').every((row) => row[2] !== ''));
  });

  test('a registered version scores by its alias, and Parquet holds what CSV holds', async () => {
    assert.equal(sluice(repo.root, ['predict', '--model', 'models:/bc@champion', '--data', TEST_CSV, '--exclude', 'target', '--out', 'mlp.csv']).code, 0);
    const parquet = sluice(repo.root, ['predict', '--model', 'models:/bc@champion', '--data', TEST_CSV, '--exclude', 'target', '--out', 'mlp.parquet', '--json']);
    assert.equal(parquet.code, 0, parquet.stderr);
    assert.deepEqual((JSON.parse(parquet.stdout) as { format: string; rows: number }).format, 'parquet');
    const expected = reference('bc_mlp');
    const csvRows = readCsv(join(repo.root, 'mlp.csv')).rows;
    csvRows.forEach((row, i) => assert.ok(Math.abs(Number(row[2]) - expected[i]![1]!) <= 1e-5, `row ${i}`));
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const read = await db.runAndReadAll(`SELECT * FROM read_parquet('${join(repo.root, 'mlp.parquet')}')`);
    const parquetRows = read.getRows();
    assert.equal(parquetRows.length, 171);
    parquetRows.forEach((row, i) => {
      assert.equal(row[0], csvRows[i]![0]);
      assert.equal(row[2], Number(csvRows[i]![2]));
    });
  });

  test('a file streamed in many batches scores every row as one batch would: 1,000 copies of test.csv in batches of 4,096', () => {
    const result = sluice(repo.root, ['predict', '--model', LOGREG, '--data', join(repo.outside, 'copies.csv'), '--exclude', 'target', '--out', 'copies.csv', '--batch-size', '4096']);
    assert.equal(result.code, 0, result.stderr);
    const expected = reference('bc_logreg');
    const { rows } = readCsv(join(repo.root, 'copies.csv'));
    assert.equal(rows.length, 171_000);
    rows.forEach((row, i) => assert.ok(Math.abs(Number(row[2]) - expected[i % 171]![1]!) <= 1e-5, `row ${i}`));
  });

  test('--out naming the data being scored is refused (exit 2), and the data is left as it was', () => {
    copyFileSync(TEST_CSV, join(repo.root, 'own.csv'));
    const before = readFileSync(join(repo.root, 'own.csv'), 'utf8');
    for (const out of ['own.csv', './own.csv']) {
      const result = sluice(repo.root, ['predict', '--model', LOGREG, '--data', 'own.csv', '--exclude', 'target', '--out', out]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /it is the data being scored/);
    }
    assert.equal(readFileSync(join(repo.root, 'own.csv'), 'utf8'), before);
  });

  test('bad input: a missing column, an unknown model, a missing directory, an unknown output format: exit 2, no file', () => {
    const column = sluice(repo.root, ['predict', '--model', LOGREG, '--data', TEST_CSV, '--exclude', 'target', '--keep', 'patient_id', '--out', 'x.csv']);
    assert.equal(column.code, 2);
    assert.match(column.stderr, /test\.csv has no column patient_id\..*Its columns are: mean_radius/s);
    const model = sluice(repo.root, ['predict', '--model', 'models:/nope@champion', '--data', TEST_CSV, '--out', 'x.csv']);
    assert.equal(model.code, 2);
    assert.match(model.stderr, /Registered Model with name=nope not found/);
    const directory = sluice(repo.root, ['predict', '--model', LOGREG, '--data', TEST_CSV, '--exclude', 'target', '--out', 'missing/dir/x.csv']);
    assert.equal(directory.code, 2);
    assert.match(directory.stderr, /Cannot write predictions to .*x\.csv: the directory .*missing\/dir does not exist/);
    const format = sluice(repo.root, ['predict', '--model', LOGREG, '--data', TEST_CSV, '--out', 'x.xlsx']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /neither \.csv nor \.parquet/);
    const outputs = sluice(repo.root, ['predict', '--model', LOGREG, '--data', TEST_CSV, '--exclude', 'target', '--out', 'x.csv', '--columns', 'probability_1']);
    assert.equal(outputs.code, 2);
    assert.match(outputs.stderr, /The model produces no column probability_1\..*It produces: prediction, probability_0=malignant, probability_1=benign/s);
    assert.equal(existsSync(join(repo.root, 'x.csv')), false);
  });
});

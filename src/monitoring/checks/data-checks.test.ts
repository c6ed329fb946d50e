/**
 * The data checks of a monitor window, on the shared breast-cancer files as served rows: the
 * drifted file is found drifted in exactly its three shifted columns, the resample is not, and
 * the drifted file's five missing values are counted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readTable, type Table } from '../../data/index.js';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { dataDriftCheck } from './data-drift-check.js';
import { dataQualityCheck } from './data-quality-check.js';
import { windowTable } from './window-table.js';

const FEATURE_COUNT = 30;

/** A file's rows as the log decoder gives them: features by name. */
function asServedRows(table: Table): { features: Record<string, unknown> }[] {
  return Array.from({ length: table.rowCount }, (_, row) => ({
    features: Object.fromEntries(table.columns.filter((column) => column.name !== 'target').map((column) => [column.name, column.values[row]])),
  }));
}

async function load(name: string): Promise<Table> {
  return readTable(sharedFixture('breast_cancer', name));
}

describe('monitor data checks', async () => {
  const reference = await load('train.csv');
  const features = reference.columns.map((column) => column.name).filter((name) => name !== 'target');

  test('the drifted window drifts in exactly its three shifted columns', async () => {
    const current = windowTable(asServedRows(await load('current_drifted.csv')), features, reference, 'window');
    const result = dataDriftCheck({ method: 'ks', drift_share: 0.1 }, reference, current, 100);
    assert.equal(result.status, 'failed');
    assert.deepEqual([...(result.values.drifted as string[])].sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    assert.equal(result.values.number_of_columns, FEATURE_COUNT);
  });

  test('the resampled window does not drift', async () => {
    const current = windowTable(asServedRows(await load('current_nodrift.csv')), features, reference, 'window');
    const result = dataDriftCheck({ method: 'ks', drift_share: 0.1 }, reference, current, 100);
    assert.equal(result.status, 'passed');
    assert.deepEqual(result.values.drifted, []);
  });

  test('a window smaller than min_rows is not judged', async () => {
    const current = windowTable(asServedRows(await load('current_drifted.csv')), features, reference, 'window');
    const result = dataDriftCheck({ method: 'auto', drift_share: 0.5 }, reference, current, 500);
    assert.equal(result.status, 'not_enough_data');
    assert.equal(result.values.judged, false);
  });

  test('data quality counts the five missing values and fails a tighter bound', async () => {
    const current = windowTable(asServedRows(await load('current_drifted.csv')), features, reference, 'window');
    const loose = dataQualityCheck({ max_missing_share: 0.05 }, reference, current, 100);
    assert.equal(loose.status, 'passed');
    assert.equal(loose.values.missing_share, 5 / (171 * FEATURE_COUNT));
    const tight = dataQualityCheck({ max_missing_share: 0.0001 }, reference, current, 100);
    assert.equal(tight.status, 'failed');
    assert.match(tight.summary, /missing 0\.10 % > 0\.01 %/);
  });

  test('text where the model takes numbers is counted as out of schema', () => {
    const rows = [{ features: { mean_radius: 'abc' } }, { features: { mean_radius: 12 } }];
    const current = windowTable(rows, ['mean_radius'], reference, 'window');
    const result = dataQualityCheck({ max_out_of_schema_share: 0.1 }, reference, current, 1);
    assert.equal(result.values.out_of_schema_share, 0.5);
    assert.equal(result.status, 'failed');
  });
});

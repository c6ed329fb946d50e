/**
 * The drift statistics against the values SciPy and NumPy computed for the breast-cancer
 * fixture (reference.json): Wasserstein, Jensen–Shannon with its bins, PSI with its bins, means,
 * for every feature column of the no-drift and drifted samples against train.csv.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { readTable } from '../read-table.js';
import { numericSample } from './column-drift.js';
import { jensenShannonNumeric, meanAndStd, psiNumeric, wassersteinDistance } from './numeric-statistics.js';

interface ColumnReference {
  n_ref: number;
  n_cur: number;
  wasserstein: number;
  js_distance: number;
  psi: number;
  ref_mean: number;
  cur_mean: number;
  js_bin_edges: number[];
  js_ref_counts: number[];
  js_cur_counts: number[];
  psi_inner_edges: number[];
  psi_ref_counts: number[];
  psi_cur_counts: number[];
}

const reference = JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as { drift: Record<string, Record<string, ColumnReference>> };

function assertClose(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(actual === expected || error <= tolerance, `${what}: ${actual} vs ${expected} (relative error ${error})`);
}

async function samples(file: string): Promise<Map<string, { reference: Float64Array; current: Float64Array }>> {
  const train = await readTable(sharedFixture('breast_cancer', 'train.csv'));
  const current = await readTable(sharedFixture('breast_cancer', file));
  const result = new Map<string, { reference: Float64Array; current: Float64Array }>();
  for (const column of train.columns) {
    const other = current.columns.find((candidate) => candidate.name === column.name)!;
    if (column.kind !== 'number' || other.kind !== 'number') throw new Error(`${column.name} is not numeric`);
    result.set(column.name, { reference: numericSample(column.values).sorted, current: numericSample(other.values).sorted });
  }
  return result;
}

for (const [current, file] of [['current_nodrift', 'current_nodrift.csv'], ['current_drifted', 'current_drifted.csv']] as const) {
  describe(`drift statistics of ${file} against train.csv`, () => {
    const expected = reference.drift[current]!;

    test('sample sizes after dropping missing values', async () => {
      for (const [column, { reference: ref, current: cur }] of await samples(file)) {
        if (!expected[column]) continue;
        assert.deepEqual([ref.length, cur.length], [expected[column].n_ref, expected[column].n_cur], column);
      }
    });

    test('Wasserstein distance as scipy.stats.wasserstein_distance, to 1e-9', async () => {
      for (const [column, { reference: ref, current: cur }] of await samples(file)) {
        if (expected[column]) assertClose(wassersteinDistance(ref, cur), expected[column].wasserstein, column);
      }
    });

    test('Jensen–Shannon distance over 10 equal-width reference bins, with the same bins and counts', async () => {
      for (const [column, { reference: ref, current: cur }] of await samples(file)) {
        if (!expected[column]) continue;
        const { distance, bins } = jensenShannonNumeric(ref, cur);
        assert.deepEqual(bins.edges, expected[column].js_bin_edges, `${column} edges`);
        assert.deepEqual([bins.referenceCounts, bins.currentCounts], [expected[column].js_ref_counts, expected[column].js_cur_counts], `${column} counts`);
        assertClose(distance, expected[column].js_distance, column);
      }
    });

    test('PSI over 10 reference-decile bins, with the same edges and counts', async () => {
      for (const [column, { reference: ref, current: cur }] of await samples(file)) {
        if (!expected[column]) continue;
        const { psi, bins } = psiNumeric(ref, cur);
        bins.edges.forEach((edge, k) => assertClose(edge, expected[column]!.psi_inner_edges[k]!, `${column} edge ${k}`, 1e-12));
        assert.deepEqual([bins.referenceCounts, bins.currentCounts], [expected[column].psi_ref_counts, expected[column].psi_cur_counts], `${column} counts`);
        assertClose(psi, expected[column].psi, column);
      }
    });

    test('means of both samples', async () => {
      for (const [column, { reference: ref, current: cur }] of await samples(file)) {
        if (!expected[column]) continue;
        assertClose(meanAndStd(ref).mean, expected[column].ref_mean, `${column} reference`, 1e-12);
        assertClose(meanAndStd(cur).mean, expected[column].cur_mean, `${column} current`, 1e-12);
      }
    });
  });
}

/**
 * `detail: 'verdict'` (what monitoring asks for every window) computes each column's verdict
 * exactly as a full comparison does, and leaves out only the context a report shows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { detectDrift } from './detect-drift.js';

const REFERENCE = sharedFixture('breast_cancer', 'train.csv');
const DRIFTED = sharedFixture('breast_cancer', 'current_drifted.csv');

describe("drift with detail: 'verdict'", { timeout: 60_000 }, () => {
  for (const method of ['auto', 'ks', 'wasserstein', 'jensenshannon', 'psi'] as const) {
    it(`gives every column the same method, statistic, p-value, threshold and verdict as a full comparison (${method})`, async () => {
      const full = await detectDrift(REFERENCE, DRIFTED, { exclude: ['target'], method });
      const verdict = await detectDrift(REFERENCE, DRIFTED, { exclude: ['target'], method, detail: 'verdict' });
      const verdictOf = ({ method: chosen, statistic, p_value, threshold, drifted }: (typeof full.columns)[string]) => ({ chosen, statistic, p_value, threshold, drifted });
      assert.deepEqual(Object.keys(verdict.columns), Object.keys(full.columns));
      for (const [name, column] of Object.entries(full.columns)) assert.deepEqual(verdictOf(verdict.columns[name]!), verdictOf(column), name);
      assert.equal(verdict.dataset_drift, full.dataset_drift);
      assert.equal(verdict.drifted_columns, full.drifted_columns);
    });
  }

  it('leaves out the other distances and the histograms of numeric columns', async () => {
    const verdict = await detectDrift(REFERENCE, DRIFTED, { exclude: ['target'], detail: 'verdict' });
    const column = verdict.columns.mean_radius!;
    assert.deepEqual(column.statistics, {});
    assert.deepEqual(column.histogram.bins, []);
    assert.equal(column.drifted, true);
  });
});

/** Slices, fairness, confidence intervals, robustness and permutation importance of `sluice eval`. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { evaluate, fairnessReport } from './index.js';

describe('evaluation analyses', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataWithGroups: string;
  before(() => {
    temp = makeTempDir();
    // test.csv plus a two-valued group column (alternating rows) to slice and audit by.
    const [header, ...rows] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
    dataWithGroups = join(temp.path, 'groups.csv');
    writeFileSync(dataWithGroups, [`${header},site`, ...rows.map((row, i) => `${row},${i % 2 === 0 ? 'north' : 'south'}`)].join('\n') + '\n');
  });
  after(() => temp.remove());
  const model = () => sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');

  test('slices by a text column give one group per value, with row counts that add up', async () => {
    const result = await evaluate({ modelPath: model(), dataPath: dataWithGroups, target: 'target', slices: ['site'], sensitive: ['site'], importanceRepeats: 0 });
    const groups = result.slices!.site!;
    assert.deepEqual(Object.keys(groups), ['north', 'south']);
    assert.equal(groups.north!.n + groups.south!.n, 171);
    assert.equal(groups.north!.n, 86);
  });

  test('slices by a numeric column use quartile bins in order', async () => {
    const result = await evaluate({ modelPath: model(), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target', slices: ['mean_radius'], importanceRepeats: 0 });
    const bins = Object.keys(result.slices!.mean_radius!);
    assert.equal(bins.length, 4);
    assert.match(bins[0]!, /^\[7\.76, /);
    assert.equal(Object.values(result.slices!.mean_radius!).reduce((sum, slice) => sum + slice.n, 0), 171);
  });

  test('slices by a numeric column with few values (a category coded 1/2) give one group per value', async () => {
    const [header, ...rows] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
    const coded = join(temp.path, 'coded.csv');
    writeFileSync(coded, [`${header},sex`, ...rows.map((row, i) => `${row},${i % 3 === 0 ? 2 : 1}`)].join('\n') + '\n');
    const result = await evaluate({ modelPath: model(), dataPath: coded, target: 'target', slices: ['sex'], importanceRepeats: 0 });
    const groups = result.slices!.sex!;
    assert.deepEqual(Object.keys(groups), ['1', '2']);
    assert.deepEqual([groups['1']!.n, groups['2']!.n], [114, 57]);
  });

  test('fairness follows Fairlearn: selection-rate difference and ratio, equalized odds', () => {
    const group = { name: 'g', kind: 'string' as const, values: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'] };
    const truth = [1, 1, 0, 0, 1, 1, 0, 0];
    const decisions = [1, 1, 1, 0, 1, 0, 0, 0];
    const report = fairnessReport(group, truth, decisions);
    assert.equal(report.groups.a!.selection_rate, 0.75);
    assert.equal(report.groups.b!.selection_rate, 0.25);
    assert.equal(report.demographic_parity_difference, 0.5);
    assert.equal(report.demographic_parity_ratio, 1 / 3);
    assert.equal(report.true_positive_rate_difference, 0.5);
    assert.equal(report.equalized_odds_difference, 0.5);
    assert.equal(report.four_fifths_rule_violated, true);
  });

  test('bootstrap intervals repeat for a seed and contain the point estimate', async () => {
    const options = { predictionsPath: sharedFixture('breast_cancer', 'test_predictions.csv'), predictionColumns: ['bc_mlp_p0', 'bc_mlp_p1'], target: 'target', bootstrap: 300, seed: 7 };
    const [first, second] = [await evaluate(options), await evaluate(options)];
    assert.deepEqual(first.ci, second.ci);
    const [low, high] = first.ci!.accuracy!;
    assert.ok(low <= first.metrics.accuracy! && first.metrics.accuracy! <= high && low < high);
  });

  test('robustness: small noise barely moves a good model; missing values are reported when the model cannot take them', async () => {
    const result = await evaluate({ modelPath: model(), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target', importanceRepeats: 0 });
    assert.equal(result.robustness!.metric, 'roc_auc');
    assert.ok(Math.abs(result.robustness!.gaussian_noise.change) < 0.02);
    assert.ok(result.robustness!.missing_values.nan_rows > 0);
    assert.ok(Number.isNaN(result.robustness!.missing_values.value));
  });

  test('permutation importance is seeded and ranks the weak model\'s three features first', async () => {
    const options = { modelPath: sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx'), dataPath: sharedFixture('breast_cancer', 'test.csv'), target: 'target', importanceRepeats: 3 };
    const [first, second] = [await evaluate(options), await evaluate(options)];
    assert.deepEqual(first.importance, second.importance);
    const ranked = Object.keys(first.importance!.features);
    assert.deepEqual(ranked.slice(0, 3).sort(), ['mean_smoothness', 'mean_symmetry', 'mean_texture']);
    assert.equal(first.importance!.features.worst_area!.mean, 0, 'a column the model ignores has no importance');
  });
});

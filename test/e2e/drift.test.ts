/**
 * `sluice drift` through the real CLI on the breast-cancer fixture: auto flags exactly the three
 * shifted columns of current_drifted.csv and reports its 5 missing values; the bootstrap
 * resample shows no dataset drift; explicit methods report SciPy's values; exit codes.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { makeTempDir } from '../support/temp-dir.js';

interface DriftJson {
  dataset_drift: boolean;
  drift_share: number;
  drifted_columns: number;
  columns: Record<string, { type: string; method: string; statistic: number; p_value: number | null; threshold: number; drifted: boolean; n_reference: number; n_current: number; missing_reference: number; missing_current: number }>;
}

const reference = JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as { drift: Record<string, Record<string, { ks_statistic: number; ks_pvalue: number; psi: number }>> };

describe('sluice drift', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const train = sharedFixture('breast_cancer', 'train.csv');
  const drifted = sharedFixture('breast_cancer', 'current_drifted.csv');
  const nodrift = sharedFixture('breast_cancer', 'current_nodrift.csv');
  const json = (...args: string[]): { code: number | null; result: DriftJson } => {
    const run = sluice(temp.path, ['drift', ...args, '--json']);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return { code: run.code, result: JSON.parse(run.stdout) as DriftJson };
  };
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('auto flags exactly the shifted columns of the drifted file, by KS with Bonferroni', () => {
    const { result } = json(train, drifted, '--exclude', 'target');
    const flagged = Object.entries(result.columns).filter(([, column]) => column.drifted).map(([name]) => name);
    assert.deepEqual(flagged.sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    assert.equal(result.columns.mean_radius!.method, 'ks');
    assert.equal(result.columns.mean_radius!.threshold, 0.05 / 30);
    assert.equal(result.drifted_columns, 3);
  });

  test('missing values are counted and reported, not silently dropped', () => {
    const { result } = json(train, drifted);
    assert.deepEqual(
      [result.columns.worst_smoothness!.missing_current, result.columns.worst_smoothness!.n_current, result.columns.worst_smoothness!.drifted],
      [5, 166, false],
    );
    assert.equal(Object.values(result.columns).reduce((sum, column) => sum + column.missing_current + column.missing_reference, 0), 5);
  });

  test('the bootstrap resample reports no dataset drift and exits 0', () => {
    const { code, result } = json(train, nodrift);
    assert.equal(code, 0);
    assert.equal(result.dataset_drift, false);
    assert.equal(result.drifted_columns, 0);
  });

  test('dataset drift exits 1', () => {
    const { code, result } = json(train, drifted, '--drift-share', '0.09');
    assert.equal(result.dataset_drift, true);
    assert.equal(code, 1);
  });

  test('--method ks reports SciPy\'s statistic and p-value for every column', () => {
    const { result } = json(train, drifted, '--method', 'ks', '--exclude', 'target');
    for (const [name, expected] of Object.entries(reference.drift.current_drifted!)) {
      const column = result.columns[name]!;
      assert.ok(Math.abs(column.statistic - expected.ks_statistic) <= 1e-9 * expected.ks_statistic, `${name} statistic`);
      assert.ok(Math.abs(column.p_value! - expected.ks_pvalue) <= 1e-9 * expected.ks_pvalue, `${name} p ${column.p_value} vs ${expected.ks_pvalue}`);
    }
  });

  test('--method psi reports the PSI of every column against its threshold', () => {
    const { result } = json(train, nodrift, '--method', 'psi', '--exclude', 'target');
    for (const [name, expected] of Object.entries(reference.drift.current_nodrift!)) {
      assert.ok(Math.abs(result.columns[name]!.statistic - expected.psi) <= 1e-9 * expected.psi, name);
      assert.equal(result.columns[name]!.p_value, null);
    }
    assert.equal(result.dataset_drift, false);
  });

  test('uncorrected tests raise the false alarms the correction prevents', () => {
    const { result } = json(train, nodrift, '--correction', 'none', '--exclude', 'target');
    assert.deepEqual(Object.entries(result.columns).filter(([, column]) => column.drifted).map(([name]) => name).sort(), ['worst_area', 'worst_symmetry']);
  });

  test('the table names each column\'s verdict; the HTML report has a chart per column', () => {
    const run = sluice(temp.path, ['drift', train, drifted, '--report', 'drift.html']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /mean_texture\s+numeric\s+ks\s+[\d.]+\s+[\d.e-]+\s+≤ 0\.00161\d*\s+DRIFT/);
    assert.match(run.stdout, /No dataset drift: 3 of 31 columns drifted \(9\.7 %; dataset drift at ≥ 50 %\)\./);
    const html = readFileSync(join(temp.path, 'drift.html'), 'utf8');
    assert.equal(html.match(/<svg/g)?.length, 31);
    assert.match(html, /Kolmogorov–Smirnov test/);
  });

  test('categorical columns get a chi-square test; a new category is drift', () => {
    writeFileSync(join(temp.path, 'ref.csv'), `city\n${'Paris\nLyon\nNice\n'.repeat(40)}`);
    writeFileSync(join(temp.path, 'cur.csv'), `city\n${'Paris\nLyon\nNice\n'.repeat(30)}${'Rome\n'.repeat(30)}`);
    const { code, result } = json('ref.csv', 'cur.csv');
    assert.deepEqual([result.columns.city!.type, result.columns.city!.method, result.columns.city!.drifted, code], ['categorical', 'chi2', true, 1]);
    assert.equal(json('ref.csv', 'ref.csv').result.columns.city!.p_value, 1);
  });

  test('a column that empties out has drifted; it is not a type error', () => {
    writeFileSync(join(temp.path, 'full.csv'), 'x,y\n1,2\n2,3\n3,4\n');
    writeFileSync(join(temp.path, 'emptied.csv'), 'x,y\n1,\n2,\n3,\n');
    const { result } = json('full.csv', 'emptied.csv');
    assert.deepEqual([result.columns.y!.drifted, result.columns.y!.n_current, result.columns.y!.missing_current, result.columns.y!.statistic], [true, 0, 3, null]);
    assert.equal(result.columns.x!.drifted, false);
  });

  test('--exclude may name a column only one file has (the target, say)', () => {
    writeFileSync(join(temp.path, 'batch.csv'), readFileSync(drifted, 'utf8').replace(/,target\n/, '\n').replace(/,[01]\n/g, '\n'));
    const { result } = json(train, 'batch.csv', '--exclude', 'target');
    assert.equal(result.columns.target, undefined);
    assert.equal(result.drifted_columns, 3);
  });

  test('bad input exits 2 with a clear message', () => {
    writeFileSync(join(temp.path, 'text.csv'), 'mean_radius\n1\nabc\n');
    const mismatch = sluice(temp.path, ['drift', train, 'text.csv', '--columns', 'mean_radius']);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /Column "mean_radius" holds numbers in .*train\.csv but text in text\.csv \(row 2 holds "abc"\)/);
    const unknown = sluice(temp.path, ['drift', train, drifted, '--columns', 'mean_radiu']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Did you mean "mean_radius"\?/);
    const method = sluice(temp.path, ['drift', train, drifted, '--method', 'median']);
    assert.equal(method.code, 2);
    assert.match(method.stderr, /--method must be auto, ks, wasserstein, psi, jensenshannon, chi2, z/);
  });
});

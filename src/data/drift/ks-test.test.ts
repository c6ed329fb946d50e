/**
 * The two-sample Kolmogorov–Smirnov test against SciPy 1.10's `ks_2samp` to 1e-9: generated cases
 * (test/fixtures/ks-2samp: ties, sizes 1 and 2, both sides of the exact/asymptotic switch, every
 * method of the finite-n Kolmogorov distribution) and the breast-cancer drift fixture.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { repoFixture, sharedFixture } from '../../../test/support/fixtures.js';
import { kolmogorovSf } from './kolmogorov.js';
import { ksTwoSample } from './ks-test.js';

/** value_i = ((i·a + b) mod modulus + offset)^power for i < n: integers, so exact in both languages. */
interface Recipe {
  n: number;
  a: number;
  b: number;
  modulus: number;
  offset: number;
  power: number;
}
interface KsCase {
  reference?: number[];
  current?: number[];
  reference_recipe?: Recipe;
  current_recipe?: Recipe;
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymptotic';
  kolmogorov_branch?: string;
}
interface KstwoPoint {
  n: number;
  x: number;
  sf: number;
  branch: string;
}

const fixture = JSON.parse(readFileSync(repoFixture('ks-2samp', 'reference.json'), 'utf8')) as { cases: Record<string, KsCase>; kstwo: KstwoPoint[] };

function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

function replay(recipe: Recipe): Float64Array {
  const values = new Float64Array(recipe.n);
  for (let i = 0; i < recipe.n; i++) values[i] = (((i * recipe.a + recipe.b) % recipe.modulus) + recipe.offset) ** recipe.power;
  return values.sort();
}

function samplesOf(testCase: KsCase): [Float64Array, Float64Array] {
  const reference = testCase.reference_recipe ? replay(testCase.reference_recipe) : sorted(testCase.reference!);
  const current = testCase.current_recipe ? replay(testCase.current_recipe) : sorted(testCase.current!);
  return [reference, current];
}

/** Within 1e-9 relative; SciPy's values below 1e-300 (subnormal, imprecise) only need to be as small. */
function assertClose(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  const error = Math.abs(actual - expected) / Math.abs(expected);
  const bothNegligible = Math.abs(expected) < 1e-300 && Math.abs(actual) < 1e-300;
  assert.ok(actual === expected || error <= tolerance || bothNegligible, `${what}: ${actual} vs SciPy ${expected} (relative error ${error})`);
}

function assertMatchesScipy(name: string, testCase: KsCase): void {
  const [reference, current] = samplesOf(testCase);
  const result = ksTwoSample(reference, current);
  assertClose(result.statistic, testCase.statistic, `${name} statistic`);
  assertClose(result.pValue, testCase.pvalue, `${name} p-value`);
  assert.equal(result.method, testCase.method, `${name} method`);
}

const cases = Object.entries(fixture.cases);

describe('ksTwoSample agrees with scipy.stats.ks_2samp', () => {
  for (const [name, testCase] of cases.filter(([, c]) => c.method === 'exact')) {
    test(`exact: ${name}`, () => assertMatchesScipy(name, testCase));
  }
  for (const [name, testCase] of cases.filter(([, c]) => c.method === 'asymptotic')) {
    test(`asymptotic (${testCase.kolmogorov_branch}): ${name}`, () => assertMatchesScipy(name, testCase));
  }
});

describe('kolmogorovSf agrees with scipy.stats.kstwo.sf', () => {
  const branches = [...new Set(fixture.kstwo.map((point) => point.branch))];
  for (const branch of branches) {
    test(`where SciPy uses ${branch}`, () => {
      for (const point of fixture.kstwo.filter((p) => p.branch === branch)) {
        assertClose(kolmogorovSf(point.n, point.x), point.sf, `kstwo.sf(${point.x}, ${point.n})`);
      }
    });
  }
});

describe('ksTwoSample on the breast-cancer drift fixture', () => {
  const expected = JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as {
    drift: Record<string, Record<string, { ks_statistic: number; ks_pvalue: number }>>;
  };
  const train = numericColumns('train.csv');
  for (const current of ['current_drifted', 'current_nodrift']) {
    test(`${current}: every column's statistic and p-value match SciPy`, () => {
      const columns = numericColumns(`${current}.csv`);
      for (const [column, reference] of Object.entries(expected.drift[current]!)) {
        const result = ksTwoSample(sorted(train.get(column)!), sorted(columns.get(column)!));
        assertClose(result.statistic, reference.ks_statistic, `${current}.${column} statistic`);
        assertClose(result.pValue, reference.ks_pvalue, `${current}.${column} p-value`);
      }
    });
  }
});

/** A plain numeric CSV's columns, with empty cells (NaN) dropped. */
function numericColumns(file: string): Map<string, number[]> {
  const [header, ...rows] = readFileSync(sharedFixture('breast_cancer', file), 'utf8').trim().split('\n');
  const names = header!.split(',');
  const columns = new Map(names.map((name) => [name, [] as number[]]));
  for (const row of rows) {
    row.split(',').forEach((cell, i) => {
      if (cell.trim() !== '') columns.get(names[i]!)!.push(Number(cell));
    });
  }
  return columns;
}

describe('ksTwoSample behaviour', () => {
  test('is symmetric in its two samples', () => {
    const [reference, current] = samplesOf(fixture.cases.unequal_coprime_sizes!);
    assert.deepEqual(ksTwoSample(current, reference), ksTwoSample(reference, current));
  });

  test('rejects an empty sample', () => {
    assert.throws(() => ksTwoSample(new Float64Array(0), Float64Array.of(1)), RangeError);
  });
});

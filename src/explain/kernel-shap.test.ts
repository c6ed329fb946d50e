/**
 * KernelSHAP on functions whose Shapley values are known: for an additive function the estimate
 * is exact; for an interaction it matches the enumerated Shapley values when every coalition fits
 * the budget; the values always add up exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Table } from '../data/index.js';
import { chooseCoalitions, kernelShap, seededRandom, solve } from './kernel-shap.js';

const FEATURES = ['a', 'b', 'c', 'd'];

function table(rows: readonly (readonly number[])[]): Table {
  return { source: 'test', rowCount: rows.length, columns: FEATURES.map((name, j) => ({ name, kind: 'number' as const, values: Float64Array.from(rows, (row) => row[j]!) })) };
}

const scorer = (f: (row: number[]) => number) => async (data: Table): Promise<Float64Array> =>
  Float64Array.from({ length: data.rowCount }, (_, i) => f(data.columns.map((column) => (column.values as Float64Array)[i]!)));

describe('KernelSHAP', () => {
  const background = table([
    [0, 1, 2, 3],
    [1, 0, 1, 0],
    [2, 2, 0, 1],
  ]);
  const x = table([[3, -1, 4, 2]]);

  test('is exact for an additive function: φ_j = g_j(x_j) − mean g_j', async () => {
    const result = await kernelShap(scorer((r) => 2 * r[0]! - r[1]! + r[2]! * r[2]! + 0 * r[3]!), 1, x, background, FEATURES, { seed: 1 });
    const expected = [2 * 3 - 2 * 1, -(-1) - -1, 16 - (4 + 1 + 0) / 3, 0];
    expected.forEach((value, j) => assert.ok(Math.abs(result.values[j]! - value) <= 1e-9, `${FEATURES[j]}: ${result.values[j]} vs ${value}`));
  });

  test('matches the enumerated Shapley values of an interaction when all 14 coalitions fit the budget', async () => {
    const f = (r: readonly number[]) => r[0]! * r[1]! + Math.max(r[2]!, r[3]!);
    const result = await kernelShap(scorer((r) => f(r)), 1, x, background, FEATURES, { seed: 1 });
    // The interventional game: v(S) = mean over background rows of f(x_S, b_rest).
    const rows = [[0, 1, 2, 3], [1, 0, 1, 0], [2, 2, 0, 1]];
    const own = [3, -1, 4, 2];
    const v = (mask: number) => rows.reduce((sum, b) => sum + f(b.map((value, j) => (mask & (1 << j) ? own[j]! : value))), 0) / rows.length;
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    FEATURES.forEach((_, j) => {
      let phi = 0;
      for (let mask = 0; mask < 16; mask++) {
        if (mask & (1 << j)) continue;
        const s = [0, 1, 2, 3].filter((k) => mask & (1 << k)).length;
        phi += ((factorial(s) * factorial(3 - s)) / factorial(4)) * (v(mask | (1 << j)) - v(mask));
      }
      assert.ok(Math.abs(result.values[j]! - phi) <= 1e-9, `${FEATURES[j]}: ${result.values[j]} vs ${phi}`);
    });
    assert.ok(Math.abs(result.expected[0]! + result.values.reduce((a, b) => a + b, 0) - f(own)) <= 1e-12);
  });

  test('chooses the same coalitions for the same seed, and a complement for each sampled one', () => {
    const first = chooseCoalitions(30, 200, seededRandom(3));
    const second = chooseCoalitions(30, 200, seededRandom(3));
    assert.deepEqual(first.masks, second.masks);
    assert.ok(first.masks.length <= 200);
    const total = first.weights.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `kernel weights sum to ${total}`);
  });

  test('solves a small system with pivoting', () => {
    const x = solve(Float64Array.of(0, 2, 1, 1), Float64Array.of(4, 3), 2, 1);
    assert.deepEqual(Array.from(x), [1, 2]);
  });
});

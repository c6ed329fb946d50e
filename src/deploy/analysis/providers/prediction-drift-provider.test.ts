/**
 * The prediction-drift provider: the drift module's statistics between the stable version's
 * outputs (the reference) and the candidate's, checked against SciPy's values on the shared
 * fixtures (train.csv against current_nodrift.csv, one column standing for an output).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { predictionDrift, predictionDriftProvider } from './prediction-drift-provider.js';
import { numbers, readCsvColumns, referenceValues } from './test-fixtures.js';

const stable = numbers(readCsvColumns('breast_cancer', 'train.csv').mean_radius!);
const candidate = numbers(readCsvColumns('breast_cancer', 'current_nodrift.csv').mean_radius!);
const expected = referenceValues().drift.current_nodrift!.mean_radius!;

const valueOf = (outcome: ReturnType<typeof predictionDrift>): number => (outcome.kind === 'value' ? (outcome.value as number) : Number.NaN);

describe('the prediction-drift provider', () => {
  test('psi, jensenshannon, ks and wasserstein match the reference values', () => {
    const close = (actual: number, wanted: number, what: string) => assert.ok(Math.abs(actual - wanted) < 1e-9, `${what}: ${actual} against ${wanted}`);
    close(valueOf(predictionDrift('psi', stable, candidate, 100)), expected.psi!, 'psi');
    close(valueOf(predictionDrift('jensenshannon', stable, candidate, 100)), expected.js_distance!, 'jensenshannon');
    close(valueOf(predictionDrift('ks', stable, candidate, 100)), expected.ks_statistic!, 'ks');
    close(valueOf(predictionDrift('wasserstein', stable, candidate, 100)), expected.wasserstein!, 'wasserstein');
  });

  test('the same outputs from both versions do not drift', () => {
    assert.equal(valueOf(predictionDrift('ks', stable, stable, 100)), 0);
  });

  test('fewer than minSamples answers from either version is not enough data yet', () => {
    assert.deepEqual(predictionDrift('psi', stable, candidate.subarray(0, 40), 100), {
      kind: 'not-enough-data',
      message: '40 answers from the candidate and 398 from the stable version, of 100 each',
    });
  });

  test('compares the stable version\'s outputs with the candidate\'s over the same window', async () => {
    const asked: unknown[] = [];
    const provider = predictionDriftProvider({ outputs: (...args) => (asked.push(args), args[0] === '1' ? stable : candidate) });
    const outcome = await provider.measure({ method: 'ks', minSamples: 100, output: 'p1' }, { target: { environment: 'e', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 5 }, now: 6 });
    assert.deepEqual(asked, [['1', 5, 'p1'], ['2', 5, 'p1']]);
    assert.ok(Math.abs(valueOf(outcome) - expected.ks_statistic!) < 1e-12);
  });
});

/**
 * The issue's live-accuracy analysis, run by the analysis runner with the real feedback provider
 * on the shared fixtures' test predictions, labels arriving over time: the weak candidate
 * (bc_weak_logreg3, accuracy 0.766) fails at the first measurement with enough labels, the strong
 * one (bc_logreg, 0.988) passes, and neither is judged before minSamples labels.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analysisSchema } from '../config/analysis-schema.js';
import { createAnalysisRunner } from './analysis-runner.js';
import type { AnalysisRunState, AnalysisTarget } from './analysis-types.js';
import { createMetricProviders } from './providers/create-metric-providers.js';
import type { FeedbackSource, LabelledClassifications } from './providers/feedback-provider.js';
import { numbers, readCsvColumns } from './providers/test-fixtures.js';

const T0 = 1_700_000_000_000;
const TARGET: AnalysisTarget = { environment: 'production', model: 'breast-cancer', stableVersion: '1', candidateVersion: '2', since: T0 };

const ANALYSIS = analysisSchema.parse({
  metrics: [{ name: 'live-accuracy', interval: '10s', count: 3, failureLimit: 0, successCondition: 'result >= 0.95', provider: { feedback: { metric: 'accuracy', minSamples: 50 } } }],
});

/** The candidate's answers to test.csv, labelled 20 rows per 10 s from T0 on, at the time `clock.now` says. */
function arrivingLabels(model: string, clock: { now: number }): FeedbackSource {
  const columns = readCsvColumns('breast_cancer', 'test_predictions.csv');
  const p0 = numbers(columns[`${model}_p0`]!);
  const p1 = numbers(columns[`${model}_p1`]!);
  return {
    labelled(): LabelledClassifications {
      const rows = Math.min(p0.length, 20 * (1 + Math.floor((clock.now - T0) / 10_000)));
      const probabilities = new Float64Array(rows * 2);
      for (let row = 0; row < rows; row++) [probabilities[row * 2], probabilities[row * 2 + 1]] = [p0[row]!, p1[row]!];
      return { kind: 'classification', classes: ['0', '1'], probabilities, labels: columns.target!.slice(0, rows), positiveClass: '1' };
    },
  };
}

async function runEvery10s(model: string, steps: number): Promise<AnalysisRunState> {
  const clock = { now: T0 };
  const runner = createAnalysisRunner(createMetricProviders({ feedback: arrivingLabels(model, clock) }));
  let run = runner.start('background', ANALYSIS, T0);
  for (let step = 0; step < steps; step++) {
    clock.now = T0 + step * 10_000;
    run = await runner.step(run, ANALYSIS, TARGET, clock.now);
  }
  return run;
}

describe('live accuracy on labelled feedback', () => {
  test('the weak candidate fails at the first measurement with minSamples labels', async () => {
    const run = await runEvery10s('bc_weak_logreg3', 3);
    assert.equal(run.phase, 'Failed');
    assert.equal(run.finishedAt, T0 + 20_000);
    const [measurement] = run.metrics[0]!.measurements;
    assert.equal(measurement!.phase, 'Failed');
    assert.equal(measurement!.message, 'accuracy over 60 labelled answers');
  });

  test('a candidate at least as good passes after count measurements', async () => {
    const run = await runEvery10s('bc_logreg', 5);
    assert.equal(run.phase, 'Successful');
    assert.deepEqual(run.metrics[0]!.measurements.map((measurement) => measurement.phase), ['Successful', 'Successful', 'Successful']);
  });

  test('before minSamples labels nothing is judged', async () => {
    const run = await runEvery10s('bc_weak_logreg3', 2);
    assert.equal(run.phase, 'Running');
    assert.equal(run.metrics[0]!.measurements.length, 0);
    assert.equal(run.metrics[0]!.message, 'waiting for data: 40 of 50 labelled answers');
  });
});

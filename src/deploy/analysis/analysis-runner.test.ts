/**
 * The analysis runner: when measurements are taken, how each is judged, and when a run ends,
 * with Argo Rollouts' semantics. Times are explicit (no clock, no sleeping); providers are
 * scripted, one outcome per call.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analysisSchema } from '../config/analysis-schema.js';
import type { AnalysisRunState, AnalysisTarget } from './analysis-types.js';
import { createAnalysisRunner, ERROR_RETRY_INTERVAL_MS, MEASUREMENT_HISTORY_LIMIT, terminateRun } from './analysis-runner.js';
import type { MetricProviders, ProviderOutcome } from './providers/metric-provider.js';

const T0 = 1_000_000;
const TARGET: AnalysisTarget = { environment: 'production', model: 'bc', stableVersion: '1', candidateVersion: '2', since: T0 };

type Script = Array<ProviderOutcome | Error | number>;

/** A `web` provider answering each call from `script` in turn (numbers are results, Errors are thrown). */
function scripted(script: Script): { providers: MetricProviders; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    providers: {
      web: {
        async measure(_options, { now }) {
          calls.push(now);
          const next = script.shift();
          if (next === undefined) throw new Error('the script ran out');
          if (next instanceof Error) throw next;
          return typeof next === 'number' ? { kind: 'value', value: next } : next;
        },
      },
    },
  };
}

function spec(...metrics: Array<Record<string, unknown>>) {
  return analysisSchema.parse({ metrics: metrics.map((metric, index) => ({ name: `m${index}`, provider: { web: { url: 'http://127.0.0.1:1/' } }, ...metric })) });
}

async function stepAt(runner: ReturnType<typeof createAnalysisRunner>, run: AnalysisRunState, analysis: ReturnType<typeof spec>, ...times: number[]): Promise<AnalysisRunState> {
  let current = run;
  for (const time of times) current = await runner.step(current, analysis, TARGET, time);
  return current;
}

describe('scheduling', () => {
  test('a new run is Running with every metric Pending and its first measurement due after initialDelay', () => {
    const run = createAnalysisRunner({}).start('background', spec({ interval: '10s', initialDelay: '30s' }), T0);
    assert.equal(run.phase, 'Running');
    assert.equal(run.metrics[0]!.phase, 'Pending');
    assert.equal(run.metrics[0]!.nextAt, T0 + 30_000);
  });

  test('nothing is measured before initialDelay has passed', async () => {
    const { providers, calls } = scripted([1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', initialDelay: '30s' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0 + 29_999);
    assert.deepEqual(calls, []);
    assert.equal(run.metrics[0]!.measurements.length, 0);
  });

  test('with an interval, an overdue metric takes one measurement and the next is due one interval later', async () => {
    const { providers, calls } = scripted([1, 1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0 + 35_000);
    assert.deepEqual(calls, [T0 + 35_000]);
    assert.equal(run.metrics[0]!.nextAt, T0 + 45_000);
  });

  test('without an interval, a metric is measured count times back to back and is then Successful', async () => {
    const { providers, calls } = scripted([1, 1, 1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ count: 3, successCondition: 'result == 1' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    assert.equal(calls.length, 3);
    assert.equal(run.metrics[0]!.phase, 'Successful');
    assert.equal(run.phase, 'Successful');
  });

  test('an interval with a count ends Successful after count measurements', async () => {
    const { providers } = scripted([1, 1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', count: 2, successCondition: 'result == 1' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0, T0 + 10_000);
    assert.equal(run.phase, 'Successful');
    assert.equal(run.finishedAt, T0 + 10_000);
  });

  test('after a provider error the next attempt is due ERROR_RETRY_INTERVAL_MS later, whatever the interval', async () => {
    const { providers } = scripted([new Error('connection refused')]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '1m' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    assert.equal(run.metrics[0]!.nextAt, T0 + ERROR_RETRY_INTERVAL_MS);
  });

  test('a final run is returned unchanged and measures nothing', async () => {
    const { providers, calls } = scripted([0]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', successCondition: 'result == 1' });
    const failed = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    assert.equal(await runner.step(failed, analysis, TARGET, T0 + 60_000), failed);
    assert.equal(calls.length, 1);
  });

  test('a metric keeps its latest MEASUREMENT_HISTORY_LIMIT measurements and counts them all', async () => {
    const { providers } = scripted(Array.from({ length: 15 }, () => 1));
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '1s' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, ...Array.from({ length: 15 }, (_, i) => T0 + i * 1000));
    assert.equal(run.metrics[0]!.measurements.length, MEASUREMENT_HISTORY_LIMIT);
    assert.equal(run.metrics[0]!.successful, 15);
  });
});

describe('judging a measurement', () => {
  async function judge(conditions: Record<string, string>, result: number | ProviderOutcome): Promise<AnalysisRunState> {
    const { providers } = scripted([result]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', consecutiveErrorLimit: 0, ...conditions });
    return stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
  }
  const phaseOf = (run: AnalysisRunState): string => run.metrics[0]!.measurements[0]!.phase;

  test('only successCondition: Failed when it is false', async () => {
    assert.equal(phaseOf(await judge({ successCondition: 'result >= 0.95' }, 0.9)), 'Failed');
  });

  test('only successCondition: Successful when it is true', async () => {
    assert.equal(phaseOf(await judge({ successCondition: 'result >= 0.95' }, 0.96)), 'Successful');
  });

  test('only failureCondition: Failed when it is true', async () => {
    assert.equal(phaseOf(await judge({ failureCondition: 'result > 0.01' }, 0.02)), 'Failed');
  });

  test('only failureCondition: Successful when it is false', async () => {
    assert.equal(phaseOf(await judge({ failureCondition: 'result > 0.01' }, 0)), 'Successful');
  });

  test('both conditions: Inconclusive when neither holds', async () => {
    assert.equal(phaseOf(await judge({ successCondition: 'result >= 0.95', failureCondition: 'result < 0.8' }, 0.9)), 'Inconclusive');
  });

  test('both conditions: Failed when both hold', async () => {
    assert.equal(phaseOf(await judge({ successCondition: 'result >= 0.5', failureCondition: 'result < 0.8' }, 0.6)), 'Failed');
  });

  test('no condition: every measurement is Successful', async () => {
    assert.equal(phaseOf(await judge({}, 123)), 'Successful');
  });

  test('a condition that does not give true or false on the result is an Error saying which', async () => {
    const run = await judge({ successCondition: 'result * 2' }, 0.5);
    assert.equal(phaseOf(run), 'Error');
    assert.match(run.metrics[0]!.measurements[0]!.message!, /successCondition "result \* 2"/);
  });

  test('a provider error is an Error measurement carrying its message', async () => {
    const run = await judge({}, new Error('Prometheus answered 503') as unknown as number);
    assert.equal(phaseOf(run), 'Error');
    assert.equal(run.metrics[0]!.measurements[0]!.message, 'Prometheus answered 503');
  });

  test('a metric whose provider is missing measures as an Error', async () => {
    const runner = createAnalysisRunner({});
    const analysis = spec({ count: 1, consecutiveErrorLimit: 0 });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    assert.match(run.metrics[0]!.measurements[0]!.message!, /no web provider/);
  });
});

describe('limits', () => {
  test('failures up to failureLimit keep the metric running; one more fails it and the run', async () => {
    const { providers } = scripted([0, 0]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', failureLimit: 1, successCondition: 'result == 1' });
    const once = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    assert.equal(once.phase, 'Running');
    const twice = await stepAt(runner, once, analysis, T0 + 10_000);
    assert.equal(twice.metrics[0]!.phase, 'Failed');
    assert.equal(twice.phase, 'Failed');
    assert.equal(twice.metrics[0]!.message, 'failed (2) > failureLimit (1)');
  });

  test('inconclusive measurements beyond inconclusiveLimit make the run Inconclusive', async () => {
    const { providers } = scripted([0.9, 0.9]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', inconclusiveLimit: 1, successCondition: 'result > 0.95', failureCondition: 'result < 0.5' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0, T0 + 10_000);
    assert.equal(run.phase, 'Inconclusive');
  });

  test('errors in a row beyond consecutiveErrorLimit end the metric in Error', async () => {
    const { providers } = scripted([new Error('down'), new Error('down'), new Error('down')]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', consecutiveErrorLimit: 2 });
    const retries = [T0, T0 + ERROR_RETRY_INTERVAL_MS, T0 + 2 * ERROR_RETRY_INTERVAL_MS];
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, ...retries);
    assert.equal(run.metrics[0]!.phase, 'Error');
    assert.equal(run.phase, 'Error');
  });

  test('a measurement that is not an Error resets the consecutive errors', async () => {
    const { providers } = scripted([new Error('down'), 1, new Error('down')]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', consecutiveErrorLimit: 1 });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0, T0 + 10_000, T0 + 20_000);
    assert.equal(run.metrics[0]!.consecutiveError, 1);
    assert.equal(run.metrics[0]!.error, 2);
    assert.equal(run.phase, 'Running');
  });
});

describe('not enough data yet', () => {
  const waiting: ProviderOutcome = { kind: 'not-enough-data', message: '12 of 50 labelled answers' };

  test('counts nothing and says what it waits for', async () => {
    const { providers } = scripted([waiting]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', successCondition: 'result >= 0.95' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    const metric = run.metrics[0]!;
    assert.deepEqual([metric.measurements.length, metric.successful, metric.failed, metric.inconclusive, metric.error], [0, 0, 0, 0, 0]);
    assert.equal(metric.message, 'waiting for data: 12 of 50 labelled answers');
    assert.equal(run.phase, 'Running');
  });

  test('is retried at the next interval, which then counts', async () => {
    const { providers, calls } = scripted([waiting, 0.97]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', count: 1, successCondition: 'result >= 0.95' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0, T0 + 9_999, T0 + 10_000);
    assert.deepEqual(calls, [T0, T0 + 10_000]);
    assert.equal(run.phase, 'Successful');
  });
});

describe('the run', () => {
  test('ends Failed as soon as one metric fails, and its other metrics stop as Successful', async () => {
    const providers: MetricProviders = {
      web: { measure: async () => ({ kind: 'value', value: 0 }) },
      requests: { measure: async () => ({ kind: 'value', value: 0.001 }) },
    };
    const runner = createAnalysisRunner(providers);
    const analysis = analysisSchema.parse({
      metrics: [
        { name: 'accuracy', interval: '10s', successCondition: 'result >= 0.95', provider: { web: { url: 'http://127.0.0.1:1/' } } },
        { name: 'errors', interval: '10s', successCondition: 'result < 0.01', provider: { requests: { metric: 'error_rate' } } },
      ],
    });
    const run = await runner.step(runner.start('background', analysis, T0), analysis, TARGET, T0);
    assert.equal(run.phase, 'Failed');
    assert.deepEqual(run.metrics.map((metric) => metric.phase), ['Failed', 'Successful']);
    assert.equal(run.message, 'metric "accuracy" assessed Failed: failed (1) > failureLimit (0)');
    assert.equal(run.finishedAt, T0);
  });

  test('stays Running while a metric without a count measures successfully', async () => {
    const { providers } = scripted([1, 1, 1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', successCondition: 'result == 1' });
    const run = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0, T0 + 10_000, T0 + 20_000);
    assert.equal(run.phase, 'Running');
  });

  test('terminated while its metrics run, it is Successful', async () => {
    const { providers } = scripted([1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', successCondition: 'result == 1' });
    const run = terminateRun(await stepAt(runner, runner.start('r', analysis, T0), analysis, T0), T0 + 5_000);
    assert.equal(run.phase, 'Successful');
    assert.equal(run.metrics[0]!.nextAt, undefined);
  });

  test('a run in progress is plain JSON and resumes from its parsed copy', async () => {
    const { providers, calls } = scripted([1, 1]);
    const runner = createAnalysisRunner(providers);
    const analysis = spec({ interval: '10s', count: 2, successCondition: 'result == 1' });
    const first = await stepAt(runner, runner.start('r', analysis, T0), analysis, T0);
    const resumed = await createAnalysisRunner(providers).step(JSON.parse(JSON.stringify(first)) as AnalysisRunState, analysis, TARGET, T0 + 10_000);
    assert.equal(resumed.phase, 'Successful');
    assert.equal(calls.length, 2);
  });

  test('a metric removed from the analysis while the run is in progress ends it in Error, saying why', async () => {
    const { providers } = scripted([1, 1, 1]);
    const runner = createAnalysisRunner(providers);
    const before = spec({ interval: '10s' }, { interval: '10s' });
    const run = await stepAt(runner, runner.start('r', before, T0), before, T0);
    const after = spec({ interval: '10s' });
    const resumed = await runner.step(run, after, TARGET, T0 + 10_000);
    assert.equal(resumed.phase, 'Error');
    assert.match(resumed.message!, /metric "m1" assessed Error: metric "m1" is no longer in the analysis/);
  });
});

/**
 * The analysis engine: takes the measurements that are due, judges them, and says whether the
 * run is still running, successful, inconclusive, failed or in error, with Argo Rollouts'
 * semantics (see measurement-verdict.ts). Pure with respect to time: `now` is always given, so a
 * run persisted with its rollout resumes after a restart and tests need no clock.
 *
 * Scheduling, per metric:
 *  - the first measurement is due at `startedAt + initialDelay`;
 *  - with an `interval`, each next one is due `interval` after the last; when several intervals
 *    went by (a paused process), one overdue measurement is taken, not one per missed interval;
 *  - without an interval, the metric is measured `count` (default 1) times back to back;
 *  - after an Error, the next attempt is due ERROR_RETRY_INTERVAL_MS later (Argo's 10 s);
 *  - "not enough data yet" (a provider's `not-enough-data`) is retried at the next interval
 *    (or after ERROR_RETRY_INTERVAL_MS without one) and counted nowhere. Argo has no such
 *    outcome (a provider's empty result there fails to evaluate, an Error); Sluice's own
 *    providers know when a window holds too few requests or labels, and a canary should not be
 *    failed, or paused as inconclusive, for having little traffic yet. The wait shows in the
 *    metric's `message`.
 *
 * The run ends as Argo's does: once every metric is final, or as soon as one metric is Failed,
 * Error or Inconclusive; then the metrics still running stop and count as Successful, and the
 * run's phase is the worst of its metrics (Failed > Error > Inconclusive > Running > Successful).
 */
import { isAppError } from '../../core/index.js';
import type { AnalysisMetricSpec, AnalysisSpec } from '../config/analysis-schema.js';
import { providerNameOf } from '../config/analysis-schema.js';
import type { AnalysisPhase, AnalysisRunState, AnalysisTarget, Measurement, MetricResult } from './analysis-types.js';
import { compileCondition } from './condition.js';
import { assessMetric, isFinal, judgeResult, worsePhase, type MetricConditions } from './measurement-verdict.js';
import type { MetricProvider, MetricProviders, ProviderOutcome } from './providers/metric-provider.js';

/** Argo's DefaultErrorRetryInterval: how long after an Error the next attempt is made. */
export const ERROR_RETRY_INTERVAL_MS = 10_000;

/** Measurements kept per metric (Argo's DefaultMeasurementHistoryLimit); the counters keep the totals. */
export const MEASUREMENT_HISTORY_LIMIT = 10;

/** Starts and advances analysis runs. */
export interface AnalysisRunner {
  /** A new run of `spec` started at `now`: every metric Pending, its first measurement due after its initialDelay. */
  start(name: string, spec: AnalysisSpec, now: number): AnalysisRunState;
  /** Takes every measurement due at `now` and re-assesses the run; a final run is returned unchanged. */
  step(run: AnalysisRunState, spec: AnalysisSpec, target: AnalysisTarget, now: number): Promise<AnalysisRunState>;
}

/** A runner measuring with `providers`; a metric whose provider is missing measures as an Error. */
export function createAnalysisRunner(providers: MetricProviders): AnalysisRunner {
  const conditions = new Map<string, MetricConditions>();
  const conditionsOf = (metric: AnalysisMetricSpec): MetricConditions => {
    const key = `${metric.successCondition ?? ''}\u0000${metric.failureCondition ?? ''}`;
    let compiled = conditions.get(key);
    if (!compiled) {
      // The config loader has compiled them already, so a syntax error cannot get here.
      compiled = {
        success: metric.successCondition === undefined ? undefined : compileCondition(metric.successCondition),
        failure: metric.failureCondition === undefined ? undefined : compileCondition(metric.failureCondition),
      };
      conditions.set(key, compiled);
    }
    return compiled;
  };

  const measureOnce = async (metric: AnalysisMetricSpec, target: AnalysisTarget, now: number): Promise<ProviderOutcome | { kind: 'error'; message: string }> => {
    const name = providerNameOf(metric.provider);
    const provider = providers[name] as MetricProvider<unknown> | undefined;
    if (!provider) return { kind: 'error', message: `no ${name} provider is available here` };
    try {
      return await provider.measure(metric.provider[name], { target, now });
    } catch (error) {
      // A catalogued error carries what to do about it; the measurement shows both.
      if (isAppError(error)) return { kind: 'error', message: error.hint ? `${error.message} ${error.hint}` : error.message };
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  };

  /** Takes the measurements of one metric that are due at `now`. */
  const advanceMetric = async (metric: AnalysisMetricSpec, result: MetricResult, target: AnalysisTarget, now: number): Promise<MetricResult> => {
    let current = result;
    while (!isFinal(current.phase) && current.nextAt !== undefined && current.nextAt <= now) {
      const outcome = await measureOnce(metric, target, now);
      current = record(metric, current, outcome, conditionsOf(metric), now);
      // With an interval, one measurement per step; without, back to back until the count is reached.
      if (metric.interval !== undefined) break;
    }
    return current;
  };

  return {
    start(name, spec, now) {
      return {
        name,
        phase: 'Running',
        startedAt: now,
        metrics: spec.metrics.map((metric) => ({ name: metric.name, phase: 'Pending', measurements: [], successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, nextAt: now + metric.initialDelay })),
      };
    },

    async step(run, spec, target, now) {
      if (isFinal(run.phase)) return run;
      const metrics = await Promise.all(
        run.metrics.map((result) => {
          const metric = spec.metrics.find((candidate) => candidate.name === result.name);
          if (metric) return advanceMetric(metric, result, target, now);
          // sluice.yaml changed under a running analysis: the metric cannot be judged any more.
          if (isFinal(result.phase)) return Promise.resolve(result);
          const { nextAt: _nextAt, ...rest } = result;
          return Promise.resolve<MetricResult>({ ...rest, phase: 'Error', message: `metric "${result.name}" is no longer in the analysis (sluice.yaml changed during the rollout)` });
        }),
      );
      return conclude(run, metrics, now);
    },
  };
}

/** A metric's result after one provider outcome at `now`. */
function record(metric: AnalysisMetricSpec, result: MetricResult, outcome: ProviderOutcome | { kind: 'error'; message: string }, conditions: MetricConditions, now: number): MetricResult {
  if (outcome.kind === 'not-enough-data') {
    return { ...result, phase: 'Running', message: `waiting for data: ${outcome.message}`, nextAt: now + (metric.interval ?? ERROR_RETRY_INTERVAL_MS) };
  }
  const verdict = outcome.kind === 'error' ? { phase: 'Error' as const, message: outcome.message } : judgeResult(outcome.value, conditions);
  const message = verdict.message ?? (outcome.kind === 'value' ? outcome.message : undefined);
  const measurement: Measurement = {
    phase: verdict.phase,
    ...(outcome.kind === 'value' ? { value: outcome.value } : {}),
    ...(message === undefined ? {} : { message }),
    startedAt: now,
    finishedAt: now,
  };
  const counted: MetricResult = {
    ...result,
    measurements: [...result.measurements, measurement].slice(-MEASUREMENT_HISTORY_LIMIT),
    successful: result.successful + (verdict.phase === 'Successful' ? 1 : 0),
    failed: result.failed + (verdict.phase === 'Failed' ? 1 : 0),
    inconclusive: result.inconclusive + (verdict.phase === 'Inconclusive' ? 1 : 0),
    error: result.error + (verdict.phase === 'Error' ? 1 : 0),
    consecutiveError: verdict.phase === 'Error' ? result.consecutiveError + 1 : 0,
  };
  const assessed = assessMetric(metric, { ...counted, phase: 'Running' });
  const latest = assessed.message ?? message;
  const { nextAt: _previous, message: _message, ...rest } = counted;
  if (isFinal(assessed.phase)) return { ...rest, phase: assessed.phase, ...(latest === undefined ? {} : { message: latest }) };
  const wait = verdict.phase === 'Error' ? ERROR_RETRY_INTERVAL_MS : (metric.interval ?? 0);
  return { ...rest, phase: assessed.phase, nextAt: now + wait, ...(latest === undefined ? {} : { message: latest }) };
}

/** The run's phase from its metrics: ends when all are final, or at once when one is not Successful. */
function conclude(run: AnalysisRunState, metrics: readonly MetricResult[], now: number): AnalysisRunState {
  const ended = metrics.find((metric) => metric.phase === 'Failed' || metric.phase === 'Error' || metric.phase === 'Inconclusive');
  if (ended) return terminate({ ...run, metrics }, now);
  if (!metrics.every((metric) => isFinal(metric.phase))) return { ...run, phase: 'Running', metrics };
  return { ...run, phase: 'Successful', metrics, finishedAt: now };
}

/**
 * Ends a run at `now`, as Argo terminates an AnalysisRun: metrics still running (an interval
 * without a count, like a canary's background analysis) stop and count as Successful, and the
 * run's phase is the worst of its metrics. For the controller when a rollout moves past the
 * analysis, and for a run in which a metric has failed.
 */
export function terminateRun(run: AnalysisRunState, now: number): AnalysisRunState {
  return isFinal(run.phase) ? run : terminate(run, now);
}

function terminate(run: AnalysisRunState, now: number): AnalysisRunState {
  let phase: AnalysisPhase = 'Successful';
  let message: string | undefined;
  const metrics = run.metrics.map((metric): MetricResult => {
    if (isFinal(metric.phase)) {
      const worse = worsePhase(phase, metric.phase);
      if (worse !== phase) {
        phase = worse;
        message = `metric "${metric.name}" assessed ${metric.phase}${metric.message ? `: ${metric.message}` : ''}`;
      }
      return metric;
    }
    const { nextAt: _nextAt, ...rest } = metric;
    return { ...rest, phase: 'Successful' };
  });
  return { ...run, phase, metrics, finishedAt: now, ...(message === undefined ? {} : { message }) };
}

/**
 * Bootstrap resampling of the evaluation rows: 95 % percentile intervals for every metric, and a
 * paired test of candidate against baseline (both scored on the same resampled rows), so that a
 * gate can demand that an improvement is more than the luck of the split.
 */
import { seededRandom } from '../core/index.js';
import type { EvaluationTarget } from './task.js';

/** The rows of one resample (indexes, with repeats). */
export function resampleIndexes(rowCount: number, random: () => number): Int32Array {
  const indexes = new Int32Array(rowCount);
  for (let i = 0; i < rowCount; i++) indexes[i] = Math.floor(random() * rowCount);
  return indexes;
}

/** The target restricted to `indexes`. */
export function subsetTarget(target: EvaluationTarget, indexes: Int32Array): EvaluationTarget {
  if (target.task === 'regression') {
    return { ...target, truth: Float64Array.from(indexes, (i) => target.truth[i]!), predicted: Float64Array.from(indexes, (i) => target.predicted[i]!) };
  }
  const width = target.classes.length;
  const probabilities = new Float64Array(indexes.length * width);
  indexes.forEach((row, i) => probabilities.set(target.probabilities.subarray(row * width, row * width + width), i * width));
  return { ...target, truth: Int32Array.from(indexes, (i) => target.truth[i]!), probabilities };
}

/** Linear-interpolated percentile (numpy's default) of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
}

/** 95 % percentile intervals of every metric `score` returns. */
export function bootstrapIntervals(
  target: EvaluationTarget,
  score: (target: EvaluationTarget) => Record<string, number>,
  options: BootstrapOptions,
): Record<string, [number, number]> {
  const random = seededRandom(options.seed);
  const samples = new Map<string, number[]>();
  for (let b = 0; b < options.resamples; b++) {
    const metrics = score(subsetTarget(target, resampleIndexes(target.truth.length, random)));
    for (const [name, value] of Object.entries(metrics)) if (Number.isFinite(value)) (samples.get(name) ?? samples.set(name, []).get(name)!).push(value);
  }
  const intervals: Record<string, [number, number]> = {};
  for (const [name, values] of samples) {
    values.sort((a, b) => a - b);
    intervals[name] = [percentile(values, 0.025), percentile(values, 0.975)];
  }
  return intervals;
}

export interface PairedComparison {
  /** Share of resamples in which the candidate was not better than the baseline (one-sided p-value). */
  readonly pValue: number;
  /** 95 % interval of candidate − baseline. */
  readonly interval: [number, number];
}

/**
 * Paired bootstrap of `metric` for candidate against baseline on the same resampled rows.
 * `greaterIsBetter` orients "better".
 */
export function pairedBootstrap(
  candidate: EvaluationTarget,
  baseline: EvaluationTarget,
  metric: (target: EvaluationTarget) => number,
  greaterIsBetter: boolean,
  options: BootstrapOptions,
): PairedComparison {
  const random = seededRandom(options.seed);
  const differences: number[] = [];
  let notBetter = 0;
  for (let b = 0; b < options.resamples; b++) {
    const indexes = resampleIndexes(candidate.truth.length, random);
    const difference = metric(subsetTarget(candidate, indexes)) - metric(subsetTarget(baseline, indexes));
    if (!Number.isFinite(difference)) continue;
    differences.push(difference);
    if (greaterIsBetter ? difference <= 0 : difference >= 0) notBetter++;
  }
  differences.sort((a, b) => a - b);
  return { pValue: differences.length === 0 ? 1 : notBetter / differences.length, interval: [percentile(differences, 0.025), percentile(differences, 0.975)] };
}

/** A 95 % percentile interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Intervals of one metric: the candidate's value, and the paired change candidate − baseline. */
export interface MetricIntervals {
  readonly candidate?: Interval | undefined;
  readonly change?: Interval | undefined;
}

/**
 * 95 % percentile intervals of each of `metrics` for the candidate and, with a baseline, of the
 * change candidate − baseline paired on the same resampled rows. One resampling serves every
 * metric: each resample scores both models once.
 */
export function pairedIntervals(
  candidate: EvaluationTarget,
  baseline: EvaluationTarget | undefined,
  metrics: readonly string[],
  score: (target: EvaluationTarget) => Readonly<Record<string, number>>,
  options: BootstrapOptions,
): Record<string, MetricIntervals> {
  const random = seededRandom(options.seed);
  const values = new Map(metrics.map((metric) => [metric, [] as number[]]));
  const changes = new Map(metrics.map((metric) => [metric, [] as number[]]));
  for (let b = 0; b < options.resamples; b++) {
    const indexes = resampleIndexes(candidate.truth.length, random);
    const ours = score(subsetTarget(candidate, indexes));
    const theirs = baseline ? score(subsetTarget(baseline, indexes)) : undefined;
    for (const metric of metrics) {
      const value = ours[metric];
      if (value === undefined || !Number.isFinite(value)) continue;
      values.get(metric)!.push(value);
      const other = theirs?.[metric];
      if (other !== undefined && Number.isFinite(other)) changes.get(metric)!.push(value - other);
    }
  }
  const interval = (samples: number[]): Interval | undefined => {
    if (samples.length === 0) return undefined;
    samples.sort((a, b) => a - b);
    return { low: percentile(samples, 0.025), high: percentile(samples, 0.975) };
  };
  return Object.fromEntries(metrics.map((metric) => [metric, { candidate: interval(values.get(metric)!), change: interval(changes.get(metric)!) }]));
}

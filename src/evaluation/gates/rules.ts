/**
 * Checking one gate rule against candidate and baseline values.
 *
 * `threshold`, `min_absolute_change` and `min_relative_change` are MLflow's MetricThreshold
 * exactly (mlflow/models/evaluation/validation.py): equality passes; the relative change is
 * (candidate − baseline)/baseline (reversed when lower is better) and must reach the minimum; a
 * zero baseline needs the candidate strictly better by 1e-10. `min`/`max` are plain bounds, and
 * `max_regression`/`max_relative_regression` say "no worse than the baseline by more than x".
 * Without a baseline, rules that compare with it are skipped with a note.
 */
import { formatNumber as fmt } from '../../core/index.js';
import { greaterIsBetter } from './metric-direction.js';
import type { GateRule } from './schema.js';

export interface RuleVerdict {
  readonly metric: string;
  readonly candidate: number | undefined;
  readonly baseline: number | undefined;
  /** candidate − baseline, when both exist. */
  readonly change: number | undefined;
  readonly passed: boolean;
  /** One sentence per failed condition. */
  readonly failures: readonly string[];
  /** Conditions not checked, and why. */
  readonly notes: readonly string[];
  /** The rule as written, for tables. */
  readonly rule: string;
}

export interface SignificanceResult {
  readonly pValue: number;
  readonly interval: [number, number];
}

const COMPARISONS = ['max_regression', 'max_relative_regression', 'min_absolute_change', 'min_relative_change', 'significance'] as const;

/** The rule's conditions as text: `≥ 0.95`, `regression ≤ 0.01`… */
export function describeRule(rule: GateRule): string {
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  if (rule.threshold !== undefined) parts.push(`${greaterIsBetterFor(rule) ? '≥' : '≤'} ${rule.threshold}`);
  if (rule.max_regression !== undefined) parts.push(`regression ≤ ${rule.max_regression}`);
  if (rule.max_relative_regression !== undefined) parts.push(`relative regression ≤ ${rule.max_relative_regression}`);
  if (rule.min_absolute_change !== undefined) parts.push(`improvement ≥ ${rule.min_absolute_change}`);
  if (rule.min_relative_change !== undefined) parts.push(`relative improvement ≥ ${rule.min_relative_change}`);
  if (rule.significance !== undefined) parts.push(`significant at ${rule.significance}`);
  return parts.join(', ');
}

export function greaterIsBetterFor(rule: GateRule): boolean {
  return rule.greater_is_better ?? greaterIsBetter(rule.metric);
}

export function checkRule(
  rule: GateRule,
  candidate: number | undefined,
  baseline: number | undefined,
  options: { hasBaseline: boolean; significance?: SignificanceResult | undefined },
): RuleVerdict {
  const failures: string[] = [];
  const notes: string[] = [];
  const higher = greaterIsBetterFor(rule);
  const name = rule.metric;
  const verdict = (passed: boolean): RuleVerdict => ({
    metric: name,
    candidate,
    baseline,
    change: candidate !== undefined && baseline !== undefined ? candidate - baseline : undefined,
    passed,
    failures,
    notes,
    rule: describeRule(rule),
  });
  if (candidate === undefined || Number.isNaN(candidate)) {
    failures.push(`${name} could not be computed for the candidate`);
    return verdict(false);
  }
  if (rule.min !== undefined && !(candidate >= rule.min)) failures.push(`${name} = ${fmt(candidate)} is below the minimum ${rule.min}`);
  if (rule.max !== undefined && !(candidate <= rule.max)) failures.push(`${name} = ${fmt(candidate)} is above the maximum ${rule.max}`);
  if (rule.threshold !== undefined && !(higher ? candidate >= rule.threshold : candidate <= rule.threshold)) {
    failures.push(`${name} = ${fmt(candidate)} does not meet the threshold ${rule.threshold} (${higher ? 'higher' : 'lower'} is better)`);
  }

  const comparisons = COMPARISONS.filter((key) => rule[key] !== undefined);
  if (comparisons.length === 0) return verdict(failures.length === 0);
  if (!options.hasBaseline) {
    notes.push(`no baseline: ${comparisons.join(', ')} not checked (the first model passes them)`);
    return verdict(failures.length === 0);
  }
  if (baseline === undefined || Number.isNaN(baseline)) {
    failures.push(`${name} is missing from the baseline's evaluation`);
    return verdict(false);
  }

  const better = (a: number, b: number) => (higher ? a >= b : a <= b);
  if (rule.max_regression !== undefined && !better(candidate, higher ? baseline - rule.max_regression : baseline + rule.max_regression)) {
    failures.push(`${name} regressed by ${fmt(Math.abs(candidate - baseline))} (from ${fmt(baseline)} to ${fmt(candidate)}), more than the allowed ${rule.max_regression}`);
  }
  if (rule.max_relative_regression !== undefined) {
    const limit = higher ? baseline - Math.abs(baseline) * rule.max_relative_regression : baseline + Math.abs(baseline) * rule.max_relative_regression;
    if (!better(candidate, limit)) failures.push(`${name} regressed by more than ${rule.max_relative_regression * 100}% of the baseline ${fmt(baseline)} (now ${fmt(candidate)})`);
  }
  if (rule.min_absolute_change !== undefined && !better(candidate, higher ? baseline + rule.min_absolute_change : baseline - rule.min_absolute_change)) {
    failures.push(`${name} = ${fmt(candidate)} is not better than the baseline ${fmt(baseline)} by ${rule.min_absolute_change}`);
  }
  if (rule.min_relative_change !== undefined) {
    if (baseline === 0) {
      if (!better(candidate, higher ? baseline + 1e-10 : baseline - 1e-10)) failures.push(`${name} = ${fmt(candidate)} is not better than the baseline 0`);
    } else {
      const relative = higher ? (candidate - baseline) / baseline : (baseline - candidate) / baseline;
      if (relative < rule.min_relative_change) {
        failures.push(`${name} improved by ${fmt(relative * 100)}% of the baseline ${fmt(baseline)}, less than ${rule.min_relative_change * 100}%`);
      }
    }
  }
  if (rule.significance !== undefined) {
    const test = options.significance;
    if (!test) failures.push(`${name}: the significance test could not be run`);
    else if (!(test.pValue < rule.significance)) {
      failures.push(`${name}: the improvement over the baseline is not significant (paired bootstrap p = ${test.pValue.toPrecision(3)} ≥ ${rule.significance})`);
    }
  }
  return verdict(failures.length === 0);
}

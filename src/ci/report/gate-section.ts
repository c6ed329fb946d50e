/**
 * The gate's part of the report: every rule against production with the change, its confidence
 * interval and the verdict (failed rules in bold with ❌), why each failed, then slices and
 * fairness in collapsible sections.
 */
import type { FairnessReport, GateReport } from '../../evaluation/index.js';
import type { CiGate } from '../ci-result.js';
import { code, details, num, plural, signed, table, text, type TableColumn } from './markdown-kit.js';

/** The metrics table's headers, in order (the CI column is named after the gate's level). */
export function metricsColumns(level: number): TableColumn[] {
  return [
    { header: 'Metric' },
    { header: 'Candidate', align: 'right' },
    { header: 'Production', align: 'right' },
    { header: 'Change', align: 'right' },
    { header: `${Number((level * 100).toPrecision(3))}% CI`, align: 'right' },
    { header: 'Rule' },
    { header: 'Verdict' },
  ];
}

/** `[+0.01, +0.03]` (signed for a change), `—` when there is none. */
function interval(gate: CiGate, metric: string, hasBaseline: boolean): string {
  const intervals = gate.intervals[metric];
  const bounds = hasBaseline ? intervals?.change : intervals?.candidate;
  if (!bounds) return '—';
  // Three digits are enough for a bound and keep the column narrow.
  const round = (value: number) => Number(value.toPrecision(3));
  const show = (value: number) => (hasBaseline ? signed(round(value)) : num(round(value)));
  return `[${show(bounds.low)}, ${show(bounds.high)}]`;
}

function metricsRows(gate: CiGate): string[][] {
  const hasBaseline = gate.report.baseline !== undefined;
  return gate.report.rules.map((verdict) => {
    // Long names (demographic_parity_difference) may break after an underscore, so the table fits a comment.
    const name = verdict.metric.length > 20 ? text(verdict.metric, 40).replaceAll('\\_', '\\_<wbr>') : text(verdict.metric, 40);
    const state = verdict.passed ? (verdict.notes.length > 0 ? '✅ pass (partly skipped)' : '✅ pass') : '❌ **fail**';
    return [verdict.passed ? name : `**${name}**`, num(verdict.candidate), num(verdict.baseline), signed(verdict.change), interval(gate, verdict.metric, hasBaseline), text(verdict.rule, 60), state];
  });
}

/** The metrics table, the failed rules with their reasons, and the gate's notes. */
export function renderGateSection(gate: CiGate): string {
  const report = gate.report;
  const failed = report.rules.filter((verdict) => !verdict.passed);
  const against = gate.baselineReference ?? report.baseline?.model;
  const heading = `### ${report.passed ? '✅' : '❌'} Metrics against production${against ? ` (${code(against, 60, false)})` : ''}`;
  const sentence = `${report.passed ? `All ${plural(report.rules.length, 'rule')} passed` : `${failed.length} of ${plural(report.rules.length, 'rule')} failed: ${failed.map((verdict) => `**${text(verdict.metric, 40)}**`).join(', ')}`} on ${code(report.data, 60, false)} (${report.n} rows, ${report.task}). The interval is ${report.baseline ? 'of the change (paired bootstrap on the same rows)' : 'of the candidate (no production model to compare with)'}.`;
  const parts = [heading, '', sentence, '', table(metricsColumns(gate.level), metricsRows(gate))];
  const failures = failed.flatMap((verdict) => verdict.failures.map((failure) => `- ❌ ${text(failure, 240)}`));
  if (failures.length > 0) parts.push('', '**Why it is blocked**', '', ...failures);
  const notes = [...report.notes, ...report.rules.flatMap((verdict) => verdict.notes.map((note) => `${verdict.metric}: ${note}`))];
  if (notes.length > 0) parts.push('', ...notes.map((note) => `- ${text(note, 240)}`));
  const slices = renderSlices(gate);
  if (slices) parts.push('', slices);
  const fairness = renderFairness(report);
  if (fairness) parts.push('', fairness);
  return parts.join('\n');
}

/** At most this many metric columns per slice table, so it fits a comment. */
const SLICE_METRICS = 4;

function renderSlices(gate: CiGate): string | undefined {
  const slices = Object.entries(gate.slices ?? {});
  if (slices.length === 0) return undefined;
  const ruleMetrics = gate.report.rules.map((verdict) => verdict.metric);
  const bodies = slices.map(([column, groups]) => {
    const available = [...new Set(Object.values(groups).flatMap((group) => Object.keys(group.metrics)))];
    const chosen = [...ruleMetrics.filter((metric) => available.includes(metric)), ...available.filter((metric) => !ruleMetrics.includes(metric))].slice(0, SLICE_METRICS);
    const columns: TableColumn[] = [{ header: 'Group' }, { header: 'Rows', align: 'right' }, ...chosen.map((metric): TableColumn => ({ header: metric, align: 'right' }))];
    const rows = Object.entries(groups).map(([group, result]) => [text(group, 40), String(result.n), ...chosen.map((metric) => num(result.metrics[metric]))]);
    return `**${text(column, 60)}**\n\n${table(columns, rows)}`;
  });
  return details(`Slices: metrics of the candidate per group of ${slices.map(([column]) => column).join(', ')}`, bodies.join('\n\n'));
}

const FAIRNESS_ROWS: readonly [keyof FairnessReport & string, string][] = [
  ['demographic_parity_difference', 'Demographic parity difference'],
  ['demographic_parity_ratio', 'Demographic parity ratio'],
  ['true_positive_rate_difference', 'True-positive-rate difference'],
  ['equalized_odds_difference', 'Equalized odds difference'],
];

function fairnessBody(column: string, candidate: FairnessReport, baseline: FairnessReport | undefined): string {
  const measures = table(
    [{ header: 'Measure' }, { header: 'Candidate', align: 'right' }, { header: 'Production', align: 'right' }],
    FAIRNESS_ROWS.map(([key, label]) => [label, num(candidate[key] as number), num(baseline?.[key] as number | undefined)]),
  );
  const groups = table(
    [{ header: 'Group' }, { header: 'Rows', align: 'right' }, { header: 'Selection rate', align: 'right' }, { header: 'TPR', align: 'right' }, { header: 'FPR', align: 'right' }],
    Object.entries(candidate.groups).map(([group, values]) => [text(group, 40), String(values.count), num(values.selection_rate), num(values.true_positive_rate), num(values.false_positive_rate)]),
  );
  const rule = candidate.four_fifths_rule_violated ? '\n\n⚠️ The candidate breaks the four-fifths rule (demographic parity ratio under 0.8).' : '';
  return `**${text(column, 60)}**\n\n${measures}\n\n${groups}${rule}`;
}

function renderFairness(report: GateReport): string | undefined {
  const columns = Object.entries(report.candidate.fairness);
  if (columns.length === 0) return undefined;
  const bodies = columns.map(([column, candidate]) => fairnessBody(column, candidate, report.baseline?.fairness[column]));
  const violated = columns.some(([, candidate]) => candidate.four_fifths_rule_violated);
  const fairnessFailed = report.rules.some((verdict) => !verdict.passed && FAIRNESS_ROWS.some(([key]) => key === verdict.metric));
  return details(`Fairness across ${columns.map(([column]) => column).join(', ')}${violated ? ' (four-fifths rule broken)' : ''}`, bodies.join('\n\n'), fairnessFailed);
}

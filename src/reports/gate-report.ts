/** A gate's verdict as a table: in the terminal and as Markdown for pull-request comments. */
import type { GateReport } from '../evaluation/index.js';
import { formatNumber, formatSigned } from '../core/index.js';
import { escapeCell } from './markdown.js';

export interface GateRow {
  readonly metric: string;
  readonly candidate: string;
  readonly baseline: string;
  readonly change: string;
  readonly rule: string;
  readonly verdict: string;
}

export function gateRows(report: GateReport): GateRow[] {
  return report.rules.map((verdict) => ({
    metric: verdict.metric,
    candidate: formatNumber(verdict.candidate),
    baseline: formatNumber(verdict.baseline),
    change: formatSigned(verdict.change),
    rule: verdict.rule,
    verdict: verdict.passed ? (verdict.notes.length > 0 ? 'pass (partly skipped)' : 'pass') : 'FAIL',
  }));
}

export function renderGateMarkdown(report: GateReport): string {
  const lines = [
    `## Quality gate: ${report.passed ? '✅ passed' : '❌ failed'}`,
    '',
    `Candidate \`${report.candidate.model}\`${report.baseline ? ` against baseline \`${report.baseline.model}\`` : ''} on \`${report.data}\` (${report.n} rows, ${report.task}).`,
    '',
    '| Metric | Candidate | Baseline | Change | Rule | Verdict |',
    '|---|---:|---:|---:|---|---|',
    ...gateRows(report).map((row) => `| ${[row.metric, row.candidate, row.baseline, row.change, row.rule, row.verdict].map(escapeCell).join(' | ')} |`),
  ];
  const failures = report.rules.flatMap((verdict) => verdict.failures);
  if (failures.length > 0) lines.push('', '**Failures**', '', ...failures.map((failure) => `- ${failure}`));
  const notes = [...report.notes, ...report.rules.flatMap((verdict) => verdict.notes.map((note) => `${verdict.metric}: ${note}`))];
  if (notes.length > 0) lines.push('', '**Notes**', '', ...notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

/** The verdict and both sides' metrics in a few fields: what a gate stage keeps as its metrics file. */
export function gateSummary(report: GateReport): Record<string, unknown> {
  return {
    passed: report.passed,
    failed_rules: report.rules.filter((verdict) => !verdict.passed).map((verdict) => verdict.metric).join(', '),
    candidate: report.candidate.metrics,
    ...(report.baseline ? { baseline: report.baseline.metrics } : {}),
  };
}

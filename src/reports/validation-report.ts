/**
 * A validation's verdict: every violation with the column, rule, observed against expected and
 * example rows, for the terminal and as Markdown for pull requests.
 */
import type { ValidationResult, Violation } from '../data/index.js';
import { escapeCell } from './markdown.js';

function shorten(text: string | null, limit = 60): string {
  if (text === null) return 'missing';
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** "row 3: 15, row 9: 12" */
export function formatExamples(violation: Violation): string {
  return violation.examples.map((example) => `row ${example.row}: ${shorten(example.value)}`).join(', ');
}

export function validationHeadline(result: ValidationResult): string {
  return result.passed
    ? `${result.file} passes ${result.schema}: ${result.checks} checks over ${result.rows} rows.`
    : `${result.file} fails ${result.schema}: ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'} (${result.checks} checks over ${result.rows} rows).`;
}

/** The drift comparison in one sentence; `quote` marks names (backticks in Markdown). */
function driftSentence(result: ValidationResult, quote: (name: string) => string): string | undefined {
  if (!result.drift) return undefined;
  const drift = result.drift;
  const drifted = Object.entries(drift.columns).filter(([, column]) => column.drifted).map(([name]) => quote(name));
  return `Drift against ${quote(drift.reference)}: ${drift.drifted_columns} of ${drift.number_of_columns} columns drifted${drifted.length > 0 ? ` (${drifted.join(', ')})` : ''}; dataset drift: ${drift.dataset_drift ? 'yes' : 'no'}.`;
}

/** One block per violation, then the drift comparison, for the terminal. */
export function renderViolationsText(result: ValidationResult): string {
  const lines = result.violations.map((violation) => {
    const where = violation.column === null ? '(table)' : violation.column;
    const examples = violation.examples.length > 0 ? `\n    e.g. ${formatExamples(violation)}` : '';
    return `  ✗ ${where} · ${violation.rule}: ${violation.observed}; expected ${violation.expected}${examples}`;
  });
  const drift = driftSentence(result, (name) => name);
  return `${[validationHeadline(result), ...lines, ...(drift ? [drift] : [])].join('\n')}\n`;
}

export function renderValidationMarkdown(result: ValidationResult): string {
  const lines = [`## Data validation: ${result.passed ? '✅ passed' : '❌ failed'}`, '', validationHeadline(result)];
  if (result.violations.length > 0) {
    lines.push('', '| Column | Rule | Observed | Expected | Examples |', '|---|---|---|---|---|');
    for (const violation of result.violations) {
      lines.push(`| ${[violation.column ?? '(table)', violation.rule, violation.observed, violation.expected, formatExamples(violation)].map(escapeCell).join(' | ')} |`);
    }
  }
  const drift = driftSentence(result, (name) => `\`${name}\``);
  if (drift) lines.push('', drift);
  return `${lines.join('\n')}\n`;
}

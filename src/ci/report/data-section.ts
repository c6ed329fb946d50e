/**
 * The data step in the report: the tracked pointers, every validation's violations (column, rule,
 * observed against expected, failing rows) and the drift of the new training data against the
 * production model's training data (drift share, drifted columns with method and score).
 */
import type { ColumnDrift } from '../../data/index.js';
import type { CiData, CiTrainingDrift } from '../ci-result.js';
import { code, details, num, plural, table, text } from './markdown-kit.js';

/** The validation table's headers, in order. */
export const VIOLATION_HEADERS = ['Column', 'Rule', 'Observed', 'Expected', 'Failing rows', 'Examples'] as const;
/** The drifted-columns table's headers, in order. */
export const DRIFT_COLUMN_HEADERS = ['Column', 'Method', 'Score', 'p-value', 'Drift if', 'Verdict'] as const;

const POINTER_ICONS: Readonly<Record<CiData['pointers'][number]['state'], string>> = {
  present: '✅ present',
  pulled: '⬇️ pulled',
  missing: '❌ missing',
  modified: '⚠️ modified',
};

function pointersPart(data: CiData, open: boolean): string | undefined {
  if (data.pointers.length === 0) return undefined;
  const tally = new Map<string, number>();
  for (const pointer of data.pointers) tally.set(pointer.state, (tally.get(pointer.state) ?? 0) + 1);
  const counts = [...tally].map(([state, count]) => `${count} ${state}`);
  const rows = data.pointers.map((pointer) => [code(pointer.path, 60), POINTER_ICONS[pointer.state]]);
  const remote = data.remote ? `\n\nPulled from the remote ${code(data.remote, 40, false)}.` : '';
  return details(`Data pointers: ${plural(data.pointers.length, 'pointer')} (${counts.join(', ')})`, `${table([{ header: 'Pointer' }, { header: 'State' }], rows)}${remote}`, open);
}

function examples(violation: CiData['validations'][number]['violations'][number]): string {
  const shown = violation.examples.slice(0, 3).map((example) => `row ${example.row}: ${example.value === null ? 'missing' : example.value}`);
  return text(shown.join(', '), 60);
}

function validationPart(validation: CiData['validations'][number], open: boolean): string {
  const title = `${validation.passed ? '✅' : '❌'} ${validation.stage}: ${validation.file} against ${validation.schema}`;
  const sentence = validation.passed
    ? `Passes: ${validation.checks} checks over ${validation.rows} rows.`
    : `${plural(validation.violations.length, 'violation')} (${validation.checks} checks over ${validation.rows} rows).`;
  if (validation.violations.length === 0) return `- ${text(title, 160)}: ${sentence}`;
  const rows = validation.violations.map((violation) => [
    violation.column === null ? '(table)' : code(violation.column, 32),
    text(violation.rule, 24),
    text(violation.observed, 40),
    text(violation.expected, 40),
    violation.failing_rows === null ? '—' : String(violation.failing_rows),
    examples(violation),
  ]);
  const columns = VIOLATION_HEADERS.map((header) => ({ header, align: header === 'Failing rows' ? ('right' as const) : ('left' as const) }));
  return details(`${title}: ${sentence}`, table(columns, rows), open);
}

/** Drifted columns first, the highest score first within each group. */
function sortedColumns(drift: CiTrainingDrift): [string, ColumnDrift][] {
  return Object.entries(drift.result.columns).sort(([, a], [, b]) => Number(b.drifted) - Number(a.drifted) || (b.statistic ?? 0) - (a.statistic ?? 0));
}

function driftPart(drift: CiTrainingDrift): string {
  const result = drift.result;
  const share = `${(result.drift_share * 100).toFixed(1)} %`;
  const headline = `${result.dataset_drift ? '⚠️ Dataset drift' : '✅ No dataset drift'}: ${result.drifted_columns} of ${result.number_of_columns} columns drifted (${share}; dataset drift at ≥ ${num(result.drift_share_threshold * 100)} %).`;
  const drifted = sortedColumns(drift).filter(([, column]) => column.drifted);
  const names = drifted.slice(0, 10).map(([name]) => code(name, 32, false));
  const lines = [
    `**Training data drift.** ${headline}${names.length > 0 ? ` Drifted: ${names.join(', ')}${drifted.length > names.length ? ` and ${drifted.length - names.length} more` : ''}.` : ''}`,
    '',
    `${code(drift.current, 60, false)} against the production model's training data: ${text(drift.reference, 200, 'middle')}.`,
  ];
  const rows = sortedColumns(drift).map(([name, column]) => [
    column.drifted ? `**${code(name, 32)}**` : code(name, 32),
    text(column.method, 20),
    num(column.statistic),
    column.p_value === null ? '—' : num(column.p_value),
    `${column.p_value === null ? '≥' : '≤'} ${num(column.threshold)}`,
    column.drifted ? '⚠️ drift' : 'ok',
  ]);
  const columns = DRIFT_COLUMN_HEADERS.map((header) => ({ header, align: ['Score', 'p-value'].includes(header) ? ('right' as const) : ('left' as const) }));
  lines.push('', details(`Drift per column (${plural(rows.length, 'column')}; the score is the method's statistic or distance)`, table(columns, rows)));
  const schema = [...result.only_in_reference.map((name) => `${code(name, 32, false)} is only in the production training data`), ...result.only_in_current.map((name) => `${code(name, 32, false)} is only in the new training data`)];
  if (schema.length > 0) lines.push('', ...schema.map((line) => `- ${line}`));
  return lines.join('\n');
}

/** The data section; `blocking` unfolds what explains a block at this step. */
export function renderDataSection(data: CiData, blocking: boolean): string {
  const failedValidations = data.validations.filter((validation) => !validation.passed).length;
  const missing = data.pointers.filter((pointer) => pointer.state === 'missing').length;
  const icon = failedValidations > 0 || missing > 0 ? '❌' : '✅';
  const parts = [`### ${icon} Data`];
  const pointers = pointersPart(data, blocking && missing > 0);
  if (pointers) parts.push('', pointers);
  if (data.validations.length > 0) {
    parts.push('', `**Validation:** ${failedValidations === 0 ? `all ${plural(data.validations.length, 'check')} passed` : `${failedValidations} of ${plural(data.validations.length, 'validation')} failed`}.`);
    for (const validation of data.validations) parts.push('', validationPart(validation, blocking && !validation.passed));
  }
  if (data.drift) parts.push('', driftPart(data.drift));
  else if (data.driftNote) parts.push('', `**Training data drift:** ${text(data.driftNote, 240)}`);
  return parts.join('\n');
}

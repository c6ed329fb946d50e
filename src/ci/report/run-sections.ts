/**
 * The report's sections on what ran: the unit tests (counts, failed cases, the output's tail), the
 * pipeline's stages (which ran, which came from the cache), and the params and metrics diff
 * against the base revision.
 */
import { STATUS_LABELS, type StageStatus } from '../../pipeline/index.js';
import type { CiDiff, CiPipeline, CiTests } from '../ci-result.js';
import { code, codeBlock, details, duration, num, plural, signed, table, text } from './markdown-kit.js';

/** Lines of a failed command's output shown in the report (the flow may keep more). */
const TAIL_LINES = 30;

/** The tests section; `blocking` unfolds the failed cases when the tests blocked the change. */
export function renderTestsSection(tests: CiTests, blocking: boolean): string {
  const failed = tests.exitCode !== 0 || tests.failed.length > 0 || (tests.counts !== undefined && tests.counts.failures + tests.counts.errors > 0);
  const stages = tests.stages.map((stage) => code(stage, 40, false)).join(', ');
  const counts = tests.counts
    ? `${plural(tests.counts.tests, 'test')}: ${tests.counts.tests - tests.counts.failures - tests.counts.errors - tests.counts.skipped} passed, ${tests.counts.failures} failed, ${plural(tests.counts.errors, 'error')}, ${tests.counts.skipped} skipped.`
    : 'No JUnit XML was written, so there are no counts.';
  const parts = [`### ${failed ? '❌' : '✅'} Tests`, '', `${stages || 'The tests'} exited with ${tests.exitCode}. ${counts}`];
  if (tests.failed.length > 0) {
    const rows = tests.failed.map((test) => [text(test.suite, 40, 'middle'), text(test.name, 60, 'middle'), text(test.message, 100)]);
    parts.push('', details(`Failed tests (${tests.failed.length})`, table([{ header: 'Suite' }, { header: 'Test' }, { header: 'Message' }], rows), blocking));
  }
  if (failed && tests.tail.length > 0) parts.push('', details('The last lines of the output', codeBlock(tests.tail.slice(-TAIL_LINES)), blocking && tests.failed.length === 0));
  return parts.join('\n');
}

/** How a stage's result reads in the stages table, cache hits named as such. */
const STAGE_RESULTS: Partial<Record<StageStatus, string>> = {
  ran: '▶️ ran',
  unchanged: '♻️ unchanged',
  restored: '📦 restored from the cache',
  'restored-run-cache': '📦 from the run cache',
  failed: '❌ failed',
  interrupted: '⏹️ interrupted',
};

/** The stages table's headers, in order. */
export const STAGE_HEADERS = ['Stage', 'Result', 'Time'] as const;

/** "2 ran, 3 from the cache (1 run cache, 2 restored), 1 unchanged". */
export function stagesSummary(pipeline: CiPipeline): string {
  const count = (...statuses: StageStatus[]) => pipeline.stages.filter((stage) => statuses.includes(stage.status)).length;
  const runCache = count('restored-run-cache');
  const restored = count('restored');
  const parts = [`${count('ran')} ran`];
  if (runCache + restored > 0) parts.push(`${runCache + restored} from the cache (${[runCache > 0 ? `${runCache} run cache` : '', restored > 0 ? `${restored} restored` : ''].filter(Boolean).join(', ')})`);
  if (count('unchanged') > 0) parts.push(`${count('unchanged')} unchanged`);
  const failed = count('failed', 'interrupted');
  if (failed > 0) parts.push(`${failed} failed`);
  const rest = pipeline.stages.length - count('ran', 'restored', 'restored-run-cache', 'unchanged', 'failed', 'interrupted');
  if (rest > 0) parts.push(`${rest} not run`);
  return parts.join(', ');
}

/** The pipeline section: the stages table (folded when long) and a failed stage's message and log. */
export function renderPipelineSection(pipeline: CiPipeline, blocking: boolean): string {
  const icon = pipeline.status === 'succeeded' ? '✅' : '❌';
  const parts = [`### ${icon} Pipeline`, '', `${pipeline.status === 'succeeded' ? 'Succeeded' : pipeline.status === 'failed' ? 'Failed' : 'Interrupted'}: ${stagesSummary(pipeline)}.`];
  if (pipeline.stages.length > 0) {
    const rows = pipeline.stages.map((stage) => [code(stage.stage, 40), STAGE_RESULTS[stage.status] ?? text(STATUS_LABELS[stage.status]), stage.status === 'ran' || stage.status === 'failed' ? duration(stage.durationMs) : '—']);
    const stagesTable = table(STAGE_HEADERS.map((header) => ({ header, align: header === 'Time' ? ('right' as const) : ('left' as const) })), rows);
    parts.push('', pipeline.stages.length > 8 ? details(`Stages (${pipeline.stages.length})`, stagesTable) : stagesTable);
  }
  if (pipeline.failure) {
    parts.push('', `❌ Stage ${code(pipeline.failure.stage, 40, false)} failed: ${text(pipeline.failure.message, 240)}`);
    if (pipeline.failure.tail.length > 0) parts.push('', details(`The last lines of ${pipeline.failure.stage}'s log`, codeBlock(pipeline.failure.tail.slice(-TAIL_LINES)), blocking));
  }
  return parts.join('\n');
}

/** A param or metric value in a cell: numbers shortened, anything else as JSON. */
function value(raw: unknown): string {
  if (raw === undefined) return '—';
  if (typeof raw === 'number') return num(raw);
  return code(typeof raw === 'string' ? raw : JSON.stringify(raw), 32);
}

/** The params and metrics changed since the base revision, each table folded. */
export function renderDiffSection(diff: CiDiff): string {
  const parts = [`### Changes against ${code(diff.base, 40, false)}`];
  if (diff.params.length === 0 && diff.metrics.length === 0) return `${parts[0]}\n\nNo params or metrics changed.`;
  if (diff.params.length > 0) {
    const rows = diff.params.map((row) => [code(row.key, 40), value(row.old), value(row.new), code(row.file, 24)]);
    parts.push('', details(`Params: ${plural(diff.params.length, 'change')}`, table([{ header: 'Param' }, { header: 'Base' }, { header: 'This commit' }, { header: 'File' }], rows), diff.params.length <= 5));
  } else parts.push('', 'No params changed.');
  if (diff.metrics.length > 0) {
    const rows = diff.metrics.map((row) => [code(row.key, 40), value(row.old), value(row.new), signed(row.change), code(row.path, 24)]);
    const columns = [{ header: 'Metric' }, { header: 'Base', align: 'right' as const }, { header: 'This commit', align: 'right' as const }, { header: 'Change', align: 'right' as const }, { header: 'File' }];
    parts.push('', details(`Metrics: ${plural(diff.metrics.length, 'change')}`, table(columns, rows), diff.metrics.length <= 5));
  } else parts.push('', 'No metrics changed.');
  return parts.join('\n');
}

/**
 * The pull-request report of `sluice ci`: GitHub- and GitLab-flavoured Markdown that reads well in
 * a comment. The verdict comes first in one line, then the metrics against production, the data,
 * the tests, the pipeline's stages, the diff against the base, registration and deployment. Long
 * parts fold into `<details>`, tables keep to a few short columns, every user-provided text is
 * escaped, and charts are Mermaid blocks the site draws itself (nothing is uploaded anywhere).
 */
import type { CiResult, CiStep, CiStepName } from '../ci-result.js';
import { ciCharts, ciReportFiles, mermaidChart, type CiChart } from './ci-charts.js';
import { renderDataSection } from './data-section.js';
import { renderGateSection } from './gate-section.js';
import { code, details, duration, plural, shortId, table, text } from './markdown-kit.js';
import { renderDiffSection, renderPipelineSection, renderTestsSection } from './run-sections.js';

/** The hidden first line that marks a comment as Sluice's report, so posting updates it in place. */
export const CI_REPORT_WATERMARK = '<!-- sluice-ci-report -->';

/** How the report links out. */
export interface CiReportOptions {
  /** The team server (overrides the result's): the run id links to the run there. */
  readonly serverUrl?: string | undefined;
  /**
   * The folder, relative to the report, where `ciReportFiles(result)` were written: the report
   * then shows them as images. Without it, only the Mermaid charts are shown.
   */
  readonly plotsDir?: string | undefined;
}

const STEP_STATES: Readonly<Record<CiStep['status'], string>> = {
  passed: '✅ passed',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
  'not-run': '⏸️ not run',
};

/** The server's address when it is an http(s) URL (nothing else becomes a link), without a trailing slash. */
function serverBase(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Where a run is read on the server: its record through the MLflow-compatible API. */
function runLink(server: string, runId: string): string {
  return `${server}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`;
}

/** The reason after "blocked at STEP": the failed rules for the gate, else the step's summary. */
function blockedReason(result: CiResult, step: CiStepName | undefined): string {
  if (step === 'gate' && result.gate) {
    const failed = result.gate.report.rules.filter((verdict) => !verdict.passed).map((verdict) => verdict.metric);
    if (failed.length > 0) return `${failed.length} of ${plural(result.gate.report.rules.length, 'gate rule')} failed (${failed.join(', ')})`;
  }
  return result.steps.find((candidate) => candidate.name === step)?.summary || result.headline;
}

function passedReason(result: CiResult): string {
  const parts: string[] = [];
  if (result.gate) parts.push(`all ${plural(result.gate.report.rules.length, 'gate rule')} passed`);
  if (result.registration) parts.push(`registered ${result.registration.uri} as @${result.registration.alias}`);
  if (result.deployment) parts.push(`${result.deployment.environment}: ${result.deployment.phase}`);
  return parts.length > 0 ? parts.join('; ') : result.headline;
}

/** The verdict in one line: `✅ **passed**: …` or `❌ **blocked at gate**: …`. */
export function verdictLine(result: CiResult): string {
  if (result.verdict === 'passed') return `✅ **Sluice CI passed**: ${text(passedReason(result), 300)}`;
  const step = result.blockedAt ?? result.steps.find((candidate) => candidate.status === 'failed')?.name;
  return `❌ **Sluice CI blocked${step ? ` at ${step}` : ''}**: ${text(blockedReason(result, step), 300)}`;
}

function contextLine(result: CiResult, server: string | undefined): string {
  const parts: string[] = [];
  if (result.commit.sha) parts.push(`Commit ${code(shortId(result.commit.sha), 12, false)}${result.commit.branch ? ` on ${code(result.commit.branch, 40, false)}` : ''}${result.commit.dirty ? ' (with uncommitted changes)' : ''}`);
  if (result.runId) parts.push(`run ${server ? `[${code(shortId(result.runId), 12, false)}](<${runLink(server, result.runId)}>)` : code(shortId(result.runId), 12, false)}`);
  if (server) parts.push(`[server](<${server}>)`);
  parts.push(duration(result.durationMs));
  return parts.join(' · ');
}

function stepsTable(result: CiResult): string {
  const rows = result.steps.map((step) => [step.name, STEP_STATES[step.status], text(step.summary, 120), step.status === 'not-run' ? '—' : duration(step.durationMs)]);
  return table([{ header: 'Step' }, { header: 'Status' }, { header: 'Summary' }, { header: 'Time', align: 'right' }], rows);
}

function registrationSection(result: CiResult, server: string | undefined): string | undefined {
  const lines: string[] = [];
  const registration = result.registration;
  if (registration) {
    const run = registration.runId ? `, lineage to run ${server ? `[${code(shortId(registration.runId), 12, false)}](<${runLink(server, registration.runId)}>)` : code(shortId(registration.runId), 12, false)}` : '';
    lines.push(`🏷️ Registered ${code(registration.uri, 60, false)} with the alias ${code(registration.alias, 40, false)} (${code(`models:/${registration.model}@${registration.alias}`, 60, false)})${run}.`);
  }
  const deployment = result.deployment;
  if (deployment) {
    const ok = !['aborted', 'failed', 'degraded'].includes(deployment.phase);
    lines.push(`${ok ? '🚀' : '❌'} Deployment to ${code(deployment.environment, 40, false)} (${text(deployment.strategy, 30)}): **${text(deployment.phase, 30)}**. ${text(deployment.message, 240)}`);
  }
  if (lines.length === 0) return undefined;
  return ['### Registration and deployment', '', ...lines.flatMap((line, k) => (k === 0 ? [line] : ['', line]))].join('\n');
}

function chartDetails(chart: CiChart | undefined): string[] {
  return chart ? ['', details(`Chart: ${chart.title}`, mermaidChart(chart))] : [];
}

function plotsSection(result: CiResult, plotsDir: string | undefined): string | undefined {
  if (plotsDir) {
    const folder = plotsDir.replace(/\\/g, '/').replace(/\/+$/, '');
    const images = ciReportFiles(result).map((file) => `![${text(file.title, 80)}](<${encodeURI(`${folder}/${file.name}`)}>)`);
    return images.length > 0 ? details(`Plots (${images.length} SVG files beside this report)`, images.join('\n\n')) : undefined;
  }
  if (result.plots.length === 0) return undefined;
  return `**Plots:** ${result.plots.map((plot) => text(plot.title, 60)).join(', ')}: written as SVG files beside the report by \`sluice ci --report FILE\` (never uploaded).`;
}

/** The report as Markdown: the watermark, then the verdict line, then the sections that apply. */
export function renderCiMarkdown(result: CiResult, options: CiReportOptions = {}): string {
  const server = serverBase(options.serverUrl ?? result.serverUrl);
  const blockedAt = result.verdict === 'blocked' ? result.blockedAt : undefined;
  const charts = ciCharts(result);
  const parts = [CI_REPORT_WATERMARK, verdictLine(result), '', contextLine(result, server)];
  if (result.gate) parts.push('', renderGateSection(result.gate), ...chartDetails(charts.find((chart) => chart.id === 'metrics')));
  else parts.push('', `### Metrics against production`, '', `Not measured: ${result.verdict === 'blocked' && blockedAt && blockedAt !== 'gate' ? `the flow stopped at ${blockedAt}` : 'no gate ran'}.`);
  parts.push('', '### Steps', '', stepsTable(result));
  if (result.data) parts.push('', renderDataSection(result.data, blockedAt === 'data'), ...chartDetails(charts.find((chart) => chart.id === 'drift')));
  if (result.tests) parts.push('', renderTestsSection(result.tests, blockedAt === 'tests'));
  if (result.pipeline) parts.push('', renderPipelineSection(result.pipeline, blockedAt === 'pipeline'));
  if (result.diff) parts.push('', renderDiffSection(result.diff));
  const registration = registrationSection(result, server);
  if (registration) parts.push('', registration);
  const plots = plotsSection(result, options.plotsDir);
  if (plots) parts.push('', plots);
  parts.push('', `<sub>sluice ci · started ${text(result.startedAt, 40)} · ${duration(result.durationMs)}</sub>`);
  return `${parts.join('\n')}\n`;
}

/** `sluice gate`: check the candidate model against the rules in sluice.yaml's `gates:` section. */
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { gateFailed, loadGateConfig, runGate, type GateReport } from '../../evaluation/index.js';
import { gateRows, renderGateMarkdown } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { makeStyler } from '../format/style.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';
import { isAbsolute, resolve } from 'node:path';
import { isModelUri } from '../../registry/index.js';
import { resolveModelArgument } from '../model-refs.js';
import { recordRun } from '../record-run.js';

function prefixed(prefix: string, metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [`${prefix}.${key}`, value]));
}

function baseName(reference: string): string {
  return reference.startsWith('models:/') ? reference : reference.replace(/^.*\//, '');
}

const gateOptionsSchema = z.object({
  config: z.string().min(1).default('sluice.yaml'),
  json: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
});

/** The verdict and both sides' metrics: what `sluice metrics show/diff` should track for a gate stage. */
function gateSummary(report: GateReport): Record<string, unknown> {
  return {
    passed: report.passed,
    failed_rules: report.rules.filter((verdict) => !verdict.passed).map((verdict) => verdict.metric).join(', '),
    candidate: report.candidate.metrics,
    ...(report.baseline ? { baseline: report.baseline.metrics } : {}),
  };
}

export async function gateCommand(rawOptions: z.input<typeof gateOptionsSchema>, output: CliOutput): Promise<number> {
  const options = parseOptions(gateOptionsSchema, rawOptions, 'gate');
  const { config: written, baseDir } = loadGateConfig(options.config);
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  // models:/ URIs resolve through the registry; a baseline that does not exist yet means "first model".
  const candidate = (await resolveModelArgument(isModelUri(written.model) ? written.model : at(written.model)))!;
  const baseline = written.baseline === undefined ? undefined : await resolveModelArgument(isModelUri(written.baseline) ? written.baseline : at(written.baseline), { optional: true });
  const config = { ...written, model: candidate.path, baseline: baseline?.path };
  const gated = await runGate(config, baseDir);
  // Reports name the models and data as the user wrote them, not as resolved files.
  const candidateLabel = isModelUri(written.model) ? candidate.label : written.model;
  const baselineLabel = baseline && written.baseline ? (isModelUri(written.baseline) ? baseline.label : written.baseline) : undefined;
  const notes =
    written.baseline !== undefined && baseline === undefined
      ? [`The baseline ${written.baseline} does not exist yet: this is treated as the first model, and rules comparing with a baseline are skipped.`, ...gated.notes.slice(1)]
      : gated.notes;
  const report: GateReport = {
    ...gated,
    data: written.data,
    candidate: { ...gated.candidate, model: candidateLabel },
    baseline: gated.baseline && baselineLabel ? { ...gated.baseline, model: baselineLabel } : gated.baseline,
    notes,
  };
  if (options.json) writeFileAtomic(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.report) writeFileAtomic(options.report, renderGateMarkdown(report));
  if (options.summary) writeFileAtomic(options.summary, `${JSON.stringify(gateSummary(report), null, 2)}\n`);

  const style = makeStyler(output.stdout);
  output.stdout.write(`Candidate ${candidateLabel}${baselineLabel ? ` against baseline ${baselineLabel}` : ' (no baseline)'} on ${config.data} (${report.n} rows, ${report.task})\n\n`);
  const rows = gateRows(report).map((row) => [row.metric, row.candidate, row.baseline, row.change, row.rule, row.verdict === 'FAIL' ? style('red', row.verdict) : style('green', row.verdict)]);
  output.stdout.write(renderTable(['Metric', 'Candidate', 'Baseline', 'Change', 'Rule', 'Verdict'], rows, { alignRight: [1, 2, 3] }));
  for (const note of report.notes) output.stdout.write(`note: ${note}\n`);
  for (const verdict of report.rules) for (const note of verdict.notes) output.stdout.write(`note: ${verdict.metric}: ${note}\n`);
  const failed = report.rules.filter((verdict) => !verdict.passed);
  const recorded = await recordRun(
    {
      kind: 'gate',
      name: `gate ${baseName(written.model)}`,
      params: { candidate: written.model, baseline: written.baseline, data: written.data, target: written.target },
      metrics: {
        ...prefixed('candidate', report.candidate.metrics),
        ...(report.baseline ? prefixed('baseline', report.baseline.metrics) : {}),
        'gate.passed': report.passed ? 1 : 0,
      },
      tags: { 'sluice.gate.verdict': report.passed ? 'passed' : 'failed', ...(failed.length ? { 'sluice.gate.failed_rules': failed.map((verdict) => verdict.metric).join(', ') } : {}) },
      data: [at(written.data)],
      models: { candidate: candidate.path, baseline: baseline?.path },
      failed: !report.passed,
    },
    output,
  );
  const recordedNote = recorded ? `Recorded as run ${recorded.slice(0, 8)} (\`sluice runs show ${recorded.slice(0, 8)}\`).\n` : '';
  if (report.passed) {
    output.stdout.write(`\n${style('green', 'Gate passed.')}\n${recordedNote}`);
    return 0;
  }
  output.stdout.write(recordedNote);
  const error = gateFailed({ metrics: failed.map((verdict) => verdict.metric), total: report.rules.length, failures: failed.flatMap((verdict) => verdict.failures) });
  output.stderr.write(`sluice: ${error.toUserMessage()}\n`);
  return error.exitCode;
}

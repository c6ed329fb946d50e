/** `sluice gate`: check the candidate model against the rules in sluice.yaml's `gates:` section. */
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { gateFailed, loadGateConfig, runGate, type GateReport } from '../../evaluation/index.js';
import { gateRows, renderGateMarkdown } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { makeStyler } from '../format/style.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

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
  const { config, baseDir } = loadGateConfig(options.config);
  const report = await runGate(config, baseDir);
  if (options.json) writeFileAtomic(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.report) writeFileAtomic(options.report, renderGateMarkdown(report));
  if (options.summary) writeFileAtomic(options.summary, `${JSON.stringify(gateSummary(report), null, 2)}\n`);

  const style = makeStyler(output.stdout);
  output.stdout.write(`Candidate ${config.model}${config.baseline ? ` against baseline ${config.baseline}` : ' (no baseline)'} on ${config.data} (${report.n} rows, ${report.task})\n\n`);
  const rows = gateRows(report).map((row) => [row.metric, row.candidate, row.baseline, row.change, row.rule, row.verdict === 'FAIL' ? style('red', row.verdict) : style('green', row.verdict)]);
  output.stdout.write(renderTable(['Metric', 'Candidate', 'Baseline', 'Change', 'Rule', 'Verdict'], rows, { alignRight: [1, 2, 3] }));
  for (const note of report.notes) output.stdout.write(`note: ${note}\n`);
  for (const verdict of report.rules) for (const note of verdict.notes) output.stdout.write(`note: ${verdict.metric}: ${note}\n`);
  if (report.passed) {
    output.stdout.write(`\n${style('green', 'Gate passed.')}\n`);
    return 0;
  }
  const failed = report.rules.filter((verdict) => !verdict.passed);
  const error = gateFailed({ metrics: failed.map((verdict) => verdict.metric), total: report.rules.length, failures: failed.flatMap((verdict) => verdict.failures) });
  output.stderr.write(`sluice: ${error.toUserMessage()}\n`);
  return error.exitCode;
}

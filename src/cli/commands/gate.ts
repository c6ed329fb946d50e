/** `sluice gate`: check the candidate model against the rules in sluice.yaml's `gates:` section (or one of its named sets). */
import { z } from 'zod';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { gate, gateFailed, loadGateConfig, type GateOutcome } from '../../evaluation/index.js';
import { resolveModelPath } from '../../registry/index.js';
import { gateRows, gateSummary, renderGateMarkdown } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { makeStyler } from '../format/style.js';
import { invalidOption, parseOptions } from '../options.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';
import { recordedNote } from './recorded-note.js';

const gateOptionsSchema = z.object({
  config: z.string().min(1).default('sluice.yaml'),
  gate: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
});

export async function gateCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(gateOptionsSchema, rawOptions, 'gate');
  if (options.json === '-' && options.summary === '-') throw invalidOption({ command: 'gate', problem: '--json and --summary cannot both write to stdout (-): give one of them a file' });
  // Checked before the gate runs and records its run: a verdict is never lost to a path that cannot be written.
  for (const path of [options.json, options.report, options.summary]) if (path !== undefined && path !== '-') assertWritableFilePath(path);
  const { config, baseDir, ruleLocations } = loadGateConfig(options.config, options.gate);
  const outcome = await withServicesIfAny(cli, (services) =>
    gate({ config, baseDir, ruleLocations, resolveModel: services?.models(cliActor()) ?? resolveModelPath, recordRun: services?.runs.record }),
  );
  const { report } = outcome;
  // `-` is stdout (as for eval and explain): the JSON alone there, the verdict table on stderr.
  const printed = options.json === '-' ? report : options.summary === '-' ? gateSummary(report) : undefined;
  if (options.json && options.json !== '-') writeFileAtomic(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.report) writeFileAtomic(options.report, renderGateMarkdown(report));
  if (options.summary && options.summary !== '-') writeFileAtomic(options.summary, `${JSON.stringify(gateSummary(report), null, 2)}\n`);
  if (printed) cli.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
  printVerdict(outcome, cli, printed ? cli.stderr : cli.stdout);
  if (report.passed) return 0;
  const failed = report.rules.filter((verdict) => !verdict.passed);
  const error = gateFailed({ metrics: failed.map((verdict) => verdict.metric), total: report.rules.length, failures: failed.flatMap((verdict) => verdict.failures) });
  cli.stderr.write(`sluice: ${error.toUserMessage()}\n`);
  return error.exitCode;
}

function printVerdict({ report, recorded }: GateOutcome, cli: CliContext, stream: CliContext['stdout']): void {
  const style = makeStyler(stream);
  const baseline = report.baseline ? ` against baseline ${report.baseline.model}` : ' (no baseline)';
  stream.write(`Candidate ${report.candidate.model}${baseline} on ${report.data} (${report.n} rows, ${report.task})\n\n`);
  const rows = gateRows(report).map((row) => [row.metric, row.candidate, row.baseline, row.change, row.rule, row.verdict === 'FAIL' ? style('red', row.verdict) : style('green', row.verdict)]);
  stream.write(renderTable(['Metric', 'Candidate', 'Baseline', 'Change', 'Rule', 'Verdict'], rows, { alignRight: [1, 2, 3] }));
  for (const note of report.notes) stream.write(`note: ${note}\n`);
  for (const verdict of report.rules) for (const note of verdict.notes) stream.write(`note: ${verdict.metric}: ${note}\n`);
  if (report.passed) stream.write(`\n${style('green', 'Gate passed.')}\n`);
  recordedNote(recorded, 'gate', cli, stream === cli.stderr ? 'stderr' : 'stdout');
}

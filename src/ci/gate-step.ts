/**
 * Step 4 of `sluice ci`, the gate: the candidate against the production alias, with 95 %
 * bootstrap intervals for each rule's metric and for the paired change.
 *
 * The gate is not scored twice. A `uses: gate` stage with `details:` writes its whole report
 * (intervals included, evaluation/gates/run-gate.ts) as a cached output of the stage: when the
 * stage ran in this pipeline run, the file is its fresh verdict; when it was unchanged or
 * restored, the file is the verdict for exactly these inputs (the stage's deps include the
 * candidate, the data, the rules and the version the alias names). So the report is a file read,
 * kept and restored by the same caching as every other output; in a warm, unchanged
 * `sluice ci` the gate step is a file read (milliseconds), with no second cache to keep in step. A
 * pipeline without such a stage (or one whose gate stage has no `details:`) has the gate scored
 * here, through the gate service.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { gate, loadGateConfig, type GateReport } from '../evaluation/index.js';
import { PIPELINE_FILE } from '../workspace/index.js';
import type { CiGate, CiMetricInterval } from './ci-result.js';
import { stagesUsing, type CiContext } from './ci-context.js';
import { ciGateStageAmbiguous } from './errors.js';
import type { StepOutcome } from './step-result.js';

/** The fields of a gate report file that `sluice ci` relies on. */
const gateReportSchema = z.looseObject({
  passed: z.boolean(),
  n: z.number(),
  data: z.string(),
  candidate: z.looseObject({ model: z.string(), metrics: z.record(z.string(), z.number()) }),
  rules: z.array(z.looseObject({ metric: z.string(), passed: z.boolean(), failures: z.array(z.string()) })),
});

export async function gateStep(context: CiContext): Promise<StepOutcome<CiGate>> {
  if (!context.gates.configured) return { status: 'skipped', summary: 'no gates section in sluice.yaml: nothing to check the candidate against' };
  const loaded = loadGateConfig(join(context.root, PIPELINE_FILE), context.options.gate);
  const report = readStageReport(context, loaded.name) ?? (await scoreGate(context, loaded));
  const intervals: Record<string, CiMetricInterval> = { ...report.intervals?.metrics };
  const value: CiGate = { baselineReference: loaded.config.baseline, report, intervals, level: report.intervals?.level ?? 0.95 };
  const against = report.baseline ? `against ${report.baseline.model}` : `with no baseline yet${loaded.config.baseline ? ` (${loaded.config.baseline} names no version)` : ''}`;
  const failed = report.rules.filter((rule) => !rule.passed);
  if (failed.length > 0) return { status: 'failed', summary: `${failed.length} of ${report.rules.length} rules failed ${against}: ${failed.map((rule) => rule.metric).join(', ')}`, value };
  return { status: 'passed', summary: `${report.rules.length} of ${report.rules.length} rules passed ${against} on ${report.n} rows`, value };
}

/** The report the gate stage wrote, when it declares one and the file is there. */
function readStageReport(context: CiContext, setName: string | undefined): GateReport | undefined {
  const stages = stagesUsing(context.pipeline, 'gate');
  const mine = setName === undefined ? stages : stages.filter((stage) => stage.cmd.some((command) => command.includes(`--gate ${setName}`)));
  if (mine.length > 1) throw ciGateStageAmbiguous({ stages: mine.map((stage) => stage.name) });
  const details = mine[0]?.uses?.details;
  if (!details || !existsSync(join(context.root, details))) return undefined;
  const parsed = gateReportSchema.safeParse(JSON.parse(readFileSync(join(context.root, details), 'utf8')));
  return parsed.success ? (parsed.data as unknown as GateReport) : undefined;
}

async function scoreGate(context: CiContext, loaded: ReturnType<typeof loadGateConfig>): Promise<GateReport> {
  const { services, options } = context;
  const outcome = await gate({ config: loaded.config, baseDir: loaded.baseDir, ruleLocations: loaded.ruleLocations, resolveModel: services.models(options.actor), recordRun: services.runs.record });
  return outcome.report;
}

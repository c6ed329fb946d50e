/**
 * The gate as a service: resolve the candidate and the baseline (paths or registry references),
 * score both on the same rows, check the rules, and record the verdict as a run. `sluice gate`,
 * pipeline stages, and later `sluice ci`, monitors and deployments call this one operation with
 * what they have: a model resolver and a run recorder from the workspace's services (opened once
 * by the caller), or plain paths and no recording outside a workspace.
 */
import { basename, resolve } from 'node:path';
import { isModelUri, type ResolveModel, type ResolvedModel } from '../../registry/index.js';
import type { SourceLocation } from '../../core/index.js';
import type { RecordRun } from '../../tracking/index.js';
import type { GateConfig } from './schema.js';
import { runGate, type GateReport } from './run-gate.js';

export interface GateRequest {
  /** The gates section as written (models as paths or `models:/` references). */
  readonly config: GateConfig;
  /** Where the config's relative paths are read from (the directory of its file). */
  readonly baseDir: string;
  readonly resolveModel: ResolveModel;
  /** Records the verdict as a run; omitted where there is no tracking (outside a workspace). */
  readonly recordRun?: RecordRun | undefined;
  /** Where each rule's metric is written, for errors (from loadGateConfig). */
  readonly ruleLocations?: readonly (SourceLocation | undefined)[] | undefined;
}

/** Whether the verdict was recorded: recording never changes the verdict. */
export type Recording = { readonly runId: string } | { readonly error: string } | undefined;

export interface GateOutcome {
  readonly report: GateReport;
  readonly recorded: Recording;
}

function prefixed(prefix: string, metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [`${prefix}.${key}`, value]));
}

/** How a model is named in a run's name: a registry reference as written, a file by its name. */
export function modelLabel(reference: string): string {
  return isModelUri(reference) ? reference : reference.replace(/^.*\//, '');
}

export async function gate({ config, baseDir, resolveModel, recordRun, ruleLocations }: GateRequest): Promise<GateOutcome> {
  const candidate = await resolveModel(config.model, { baseDir });
  // A baseline reference that names nothing yet means "first model": rules against it are skipped.
  const baseline = config.baseline === undefined ? undefined : await resolveModel(config.baseline, { baseDir, optional: true });
  const report = await runGate({ config, baseDir, candidate, baseline, missingBaseline: baseline ? undefined : config.baseline, ruleLocations });
  const recorded = recordRun ? await record(recordRun, config, baseDir, report, candidate, baseline) : undefined;
  return { report, recorded };
}

async function record(recordRun: RecordRun, config: GateConfig, baseDir: string, report: GateReport, candidate: ResolvedModel, baseline: ResolvedModel | undefined): Promise<Recording> {
  const failed = report.rules.filter((verdict) => !verdict.passed);
  try {
    const runId = await recordRun({
      kind: 'gate',
      name: `gate ${modelLabel(config.model)} on ${basename(config.data)}`,
      params: { candidate: config.model, baseline: config.baseline, data: config.data, target: config.target },
      metrics: {
        ...prefixed('candidate', report.candidate.metrics),
        ...(report.baseline ? prefixed('baseline', report.baseline.metrics) : {}),
        'gate.passed': report.passed ? 1 : 0,
      },
      tags: {
        'sluice.gate.verdict': report.passed ? 'passed' : 'failed',
        ...(failed.length ? { 'sluice.gate.failed_rules': failed.map((verdict) => verdict.metric).join(', ') } : {}),
      },
      data: [{ path: resolve(baseDir, config.data), context: 'gate' }],
      models: { candidate: candidate.path, baseline: baseline?.path },
      failed: !report.passed,
    });
    return { runId };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

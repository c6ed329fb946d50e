/**
 * `sluice eval` and `sluice gate` record what they did as tracking runs, when they run in a
 * workspace: params (model, data, target), metrics, the data they read by content hash, the
 * model's hash. Inside a pipeline stage (SLUICE_PIPELINE_RUN_ID set) the run is nested under the
 * pipeline's run. Recording never fails the command: the evaluation result stands on its own.
 */
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { hashFile } from '../core/index.js';
import { SYSTEM_TAGS, type Metric, type Tag } from '../tracking/index.js';
import { findWorkspaceRoot, openWorkspace, openWorkspaceServices } from '../workspace/index.js';
import { cliActor } from './services.js';
import type { CliOutput } from './output.js';

export interface RunRecord {
  readonly kind: 'eval' | 'gate';
  readonly name: string;
  readonly params: Readonly<Record<string, string | number | undefined>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Data files read, by path. */
  readonly data: readonly string[];
  /** Model files used, by role (candidate, baseline, model). */
  readonly models: Readonly<Record<string, string | undefined>>;
  readonly failed?: boolean;
}

/** Records the run; returns its id, or undefined outside a workspace. */
export async function recordRun(record: RunRecord, output: CliOutput): Promise<string | undefined> {
  let root: string;
  try {
    root = findWorkspaceRoot(process.cwd());
  } catch {
    return undefined;
  }
  try {
    const services = await openWorkspaceServices(openWorkspace(root));
    try {
      const { tracking } = services;
      const experiment = await tracking.getOrCreateExperiment(services.workspace.experimentName);
      const pipelineRunId = process.env.SLUICE_PIPELINE_RUN_ID;
      const parent = pipelineRunId ? await tracking.getRun(pipelineRunId).catch(() => undefined) : undefined;
      const tags: Tag[] = [
        { key: SYSTEM_TAGS.user, value: cliActor().name },
        { key: SYSTEM_TAGS.sourceName, value: `sluice ${record.kind}` },
        { key: SYSTEM_TAGS.sourceType, value: 'LOCAL' },
        { key: 'sluice.kind', value: record.kind },
        ...(parent ? [{ key: SYSTEM_TAGS.parentRunId, value: parent.info.runId }, { key: SYSTEM_TAGS.pipelineRunId, value: parent.info.runId }] : []),
        ...(process.env.SLUICE_STAGE ? [{ key: SYSTEM_TAGS.stage, value: process.env.SLUICE_STAGE }] : []),
        ...Object.entries(record.tags ?? {}).map(([key, value]) => ({ key, value })),
      ];
      for (const [role, path] of Object.entries(record.models)) {
        if (path) tags.push({ key: `sluice.model.${role}.digest`, value: `blake3:${await hashFile(path, statSync(path).size)}` });
      }
      const run = await tracking.createRun({ experimentId: (parent?.info.experimentId ?? experiment.experimentId), userId: cliActor().name, runName: record.name, tags });
      const params = Object.entries(record.params).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value: String(value) }]));
      const now = Date.now();
      const metrics: Metric[] = Object.entries(record.metrics).filter(([, value]) => typeof value === 'number').map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
      for (let start = 0; start < Math.max(params.length, metrics.length); start += 100) {
        await tracking.logBatch(run.info.runId, { params: params.slice(start, start + 100), metrics: metrics.slice(start, start + 100) });
      }
      const inputs = [];
      for (const path of record.data) {
        const absolute = resolve(path);
        inputs.push({
          dataset: { name: relative(root, absolute).startsWith('..') ? absolute : relative(root, absolute), digest: `blake3:${await hashFile(absolute, statSync(absolute).size)}`, sourceType: 'workspace', source: JSON.stringify({ path: absolute }) },
          tags: [{ key: 'mlflow.data.context', value: record.kind === 'gate' ? 'gate' : 'evaluation' }],
        });
      }
      if (inputs.length > 0) await tracking.logInputs(run.info.runId, inputs);
      await tracking.endRun(run.info.runId, record.failed ? 'FAILED' : 'FINISHED');
      return run.info.runId;
    } finally {
      await services.close();
    }
  } catch (error) {
    output.stderr.write(`sluice: warning: the ${record.kind} was not recorded in tracking: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

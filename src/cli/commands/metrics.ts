/** `sluice metrics show` and `sluice metrics diff [REV]`, optionally for some files (--targets) and names (--keys). */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { collectMetrics, collectMetricsAtRevision, collectTargetMetrics, diffMetrics, loadPipeline, metricKeyMatcher, pipelineErrors, selectMetricKeys } from '../../pipeline/index.js';
import { openWorkspaceCache } from '../../workspace/index.js';
import { currentWorkspace } from '../context.js';
import { formatCell, formatChange, renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const selection = {
  targets: z.array(z.string().min(1)).optional(),
  keys: z.array(z.string().min(1)).default([]),
};
const showSchema = z.object({ json: z.boolean().default(false), ...selection });
const diffSchema = z.object({ json: z.boolean().default(false), all: z.boolean().default(false), ...selection });

/** --targets as paths from the workspace root (they are given from the current directory). */
function targetPaths(root: string, targets: readonly string[] | undefined): string[] | undefined {
  return targets?.map((target) => relative(root, resolve(target)).split('\\').join('/'));
}

export async function metricsShowCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'metrics show');
  const matches = metricKeyMatcher(options.keys);
  const pipeline = loadPipeline(currentWorkspace().root);
  const targets = targetPaths(pipeline.root, options.targets);
  const files = selectMetricKeys(targets ? collectTargetMetrics(pipeline.root, targets) : collectMetrics(pipeline.root, pipeline.stages), matches);
  if (options.json) {
    printJson(output, Object.fromEntries(files.map((file) => [file.path, file.values ?? { error: file.error }])));
    return 0;
  }
  if (files.length === 0) {
    output.stdout.write('No stage declares metrics. Add a `metrics:` list to a stage in sluice.yaml.\n');
    return 0;
  }
  const rows = files.flatMap((file) =>
    file.values ? Object.entries(file.values).map(([key, value]) => [file.path, key, formatCell(value)]) : [[file.path, '', `(${file.error})`]],
  );
  output.stdout.write(renderTable(['Path', 'Metric', 'Value'], rows));
  return 0;
}

export async function metricsDiffCommand(revision: string | undefined, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(diffSchema, rawOptions, 'metrics diff');
  const matches = metricKeyMatcher(options.keys);
  const workspace = currentWorkspace();
  const pipeline = loadPipeline(workspace.root);
  const targets = targetPaths(pipeline.root, options.targets);
  const oldRevision = revision ?? 'HEAD';
  const atRevision = await collectMetricsAtRevision(pipeline.root, oldRevision, pipeline.stages, openWorkspaceCache(workspace), targets);
  // A target neither side has is a typo, as `metrics show` says, not "no changes".
  for (const path of targets ?? []) if (!existsSync(join(pipeline.root, path)) && !atRevision.some((file) => file.path === path && file.error !== 'missing')) throw pipelineErrors.metricsTargetNotFound({ path });
  const old = selectMetricKeys(atRevision, matches);
  const rows = diffMetrics(old, selectMetricKeys(collectMetrics(pipeline.root, pipeline.stages, targets), matches), { all: options.all });
  if (options.json) {
    printJson(output, { old: oldRevision, new: 'workspace', metrics: rows });
    return 0;
  }
  if (rows.length === 0) {
    output.stdout.write(`No metric changes between ${oldRevision} and the workspace.\n`);
    return 0;
  }
  output.stdout.write(
    renderTable(
      ['Path', 'Metric', oldRevision, 'workspace', 'Change'],
      rows.map((row) => [row.path, row.key, formatCell(row.old), formatCell(row.new), formatChange(row.change)]),
    ),
  );
  return 0;
}

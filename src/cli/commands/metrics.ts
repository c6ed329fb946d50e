/** `sluice metrics show` and `sluice metrics diff [REV]`. */
import { collectMetrics, collectMetricsAtRevision, diffMetrics, loadPipeline } from '../../pipeline/index.js';
import { openWorkspaceCache } from '../../workspace/index.js';
import { currentWorkspace } from '../context.js';
import { formatCell, formatChange, renderTable } from '../format/table.js';
import { z } from 'zod';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const showSchema = z.object({ json: z.boolean().default(false) });
const diffSchema = z.object({ json: z.boolean().default(false), all: z.boolean().default(false) });

export async function metricsShowCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'metrics show');
  const pipeline = loadPipeline(currentWorkspace().root);
  const files = collectMetrics(pipeline.root, pipeline.stages);
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
  const workspace = currentWorkspace();
  const pipeline = loadPipeline(workspace.root);
  const oldRevision = revision ?? 'HEAD';
  const old = await collectMetricsAtRevision(pipeline.root, oldRevision, pipeline.stages, openWorkspaceCache(workspace));
  const rows = diffMetrics(old, collectMetrics(pipeline.root, pipeline.stages), { all: options.all });
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

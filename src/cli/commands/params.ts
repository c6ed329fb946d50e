/** `sluice params diff [A] [B]`: params that differ between two revisions, or a revision and the workspace. */
import { diffParamValues, loadPipeline, readParamsAt } from '../../pipeline/index.js';
import { currentWorkspace } from '../context.js';
import { formatCell, renderTable } from '../format/table.js';
import { z } from 'zod';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const diffSchema = z.object({ json: z.boolean().default(false), all: z.boolean().default(false) });

export async function paramsDiffCommand(
  revisions: readonly string[],
  rawOptions: unknown,
  output: CliOutput,
): Promise<number> {
  const options = parseOptions(diffSchema, rawOptions, 'params diff');
  const pipeline = loadPipeline(currentWorkspace().root);
  const [oldRevision, newRevision] = revisions.length === 0 ? ['HEAD', undefined] : [revisions[0]!, revisions[1]];
  const rows = diffParamValues(await readParamsAt(pipeline, oldRevision), await readParamsAt(pipeline, newRevision), { all: options.all });
  const newLabel = newRevision ?? 'workspace';
  if (options.json) {
    printJson(output, { old: oldRevision, new: newLabel, params: rows });
    return 0;
  }
  if (rows.length === 0) {
    output.stdout.write(`No param changes between ${oldRevision} and ${newLabel}.\n`);
    return 0;
  }
  output.stdout.write(renderTable(['Path', 'Param', oldRevision, newLabel], rows.map((row) => [row.file, row.key, formatCell(row.old), formatCell(row.new)])));
  return 0;
}

/** `sluice runs [--limit N] [--json]`: the pipeline runs recorded in the metadata store. */
import { z } from 'zod';
import { openWorkspaceStore } from '../../workspace/index.js';
import { currentWorkspace } from '../context.js';
import { formatDuration, renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const runsOptionsSchema = z.object({
  json: z.boolean().default(false),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).default(20),
});

export async function runsCommand(rawOptions: z.input<typeof runsOptionsSchema>, output: CliOutput): Promise<number> {
  const options = parseOptions(runsOptionsSchema, rawOptions, 'runs');
  const store = await openWorkspaceStore(currentWorkspace());
  try {
    const runs = await store.listPipelineRuns({ limit: options.limit });
    if (options.json) {
      const withStages = await Promise.all(runs.map(async (run) => ({ ...run, stages: await store.listStageRuns(run.id) })));
      printJson(output, withStages);
      return 0;
    }
    if (runs.length === 0) {
      output.stdout.write('No pipeline runs recorded yet. Run `sluice run`.\n');
      return 0;
    }
    const rows = runs.map((run) => [
      run.id.slice(0, 8),
      new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 19),
      run.status,
      run.endedAt === undefined ? '' : formatDuration(run.endedAt - run.startedAt),
      run.gitCommit ? `${run.gitCommit.slice(0, 8)}${run.gitDirty ? '*' : ''}` : '—',
      run.user,
    ]);
    output.stdout.write(renderTable(['Run', 'Started (UTC)', 'Status', 'Time', 'Commit', 'User'], rows));
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `sluice experiments list`: the experiments runs are filed under (this workspace's, and any an
 * MLflow client or the SDK created), with how many active runs each holds.
 */
import { z } from 'zod';
import type { Experiment } from '../../tracking/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { withServices, type CliContext } from '../services.js';

const listSchema = z.object({ all: z.boolean().default(false), json: z.boolean().default(false) });

export async function experimentsListCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'experiments list');
  return withServices(output, async ({ tracking, workspace }) => {
    const experiments: Experiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await tracking.searchExperiments({ viewType: options.all ? 'ALL' : 'ACTIVE_ONLY', orderBy: ['creation_time ASC'], maxResults: 1000, pageToken });
      experiments.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    const counts = await tracking.countActiveRuns(experiments.map((experiment) => experiment.experimentId));
    if (options.json) {
      printJson(
        output,
        experiments.map((experiment) => ({
          experiment_id: experiment.experimentId,
          name: experiment.name,
          lifecycle_stage: experiment.lifecycleStage,
          runs: counts.get(experiment.experimentId) ?? 0,
          artifact_location: experiment.artifactLocation,
          creation_time: experiment.creationTime,
          last_update_time: experiment.lastUpdateTime,
        })),
      );
      return 0;
    }
    if (experiments.length === 0) {
      output.stdout.write('No experiments yet. `sluice run`, `sluice eval` and `sluice gate` record runs in this workspace\'s experiment.\n');
      return 0;
    }
    const rows = experiments.map((experiment) => [
      experiment.experimentId,
      experiment.name,
      experiment.lifecycleStage,
      String(counts.get(experiment.experimentId) ?? 0),
      experiment.name === workspace.experimentName ? 'this workspace\'s' : '',
    ]);
    output.stdout.write(renderTable(['Id', 'Name', 'Lifecycle', 'Runs', ''], rows));
    return 0;
  });
}

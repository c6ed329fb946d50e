/**
 * A serving session as a tracked run (`sluice.kind = serve`): which models were served, from when
 * to when, and its prediction-log files as the run's artifacts in the workspace's artifact store
 * (local, or S3 at team scale), so monitoring finds them wherever the server ran. Workers of one
 * server share the primary's run (`SLUICE_SERVING_RUN_ID`).
 */
import { basename } from 'node:path';
import { SYSTEM_TAGS } from '../tracking/index.js';
import type { ModelSpec } from '../serving/index.js';
import type { Workspace, WorkspaceServices } from '../workspace/index.js';
import { openWorkspaceServices } from '../workspace/index.js';
import type { CliOutput } from './output.js';
import { cliActor } from './services.js';

export const SERVING_RUN_ENV = 'SLUICE_SERVING_RUN_ID';

export interface ServingRun {
  readonly runId: string;
  /** Uploads a complete prediction-log file as an artifact of the run (in the background). */
  keep(path: string): void;
  /** Waits for the uploads; the primary (or single process) also ends the run. */
  finish(): Promise<void>;
}

/** The `mlflow-artifacts:/1/abc/artifacts` root of a run as an artifact-store path. */
function artifactRoot(uri: string): string {
  return uri.replace(/^mlflow-artifacts:\/+/, '');
}

export async function startServingRun(workspace: Workspace, models: readonly ModelSpec[], output: CliOutput): Promise<ServingRun | undefined> {
  let services: WorkspaceServices | undefined;
  try {
    services = await openWorkspaceServices(workspace);
    const { tracking } = services;
    const inherited = process.env[SERVING_RUN_ENV];
    const run = inherited
      ? await tracking.getRun(inherited)
      : await tracking.createRun({
          experimentId: (await tracking.getOrCreateExperiment(workspace.experimentName)).experimentId,
          userId: cliActor().name,
          runName: `serve ${models.map((model) => model.name ?? model.reference).join(', ')}`,
          tags: [
            { key: SYSTEM_TAGS.user, value: cliActor().name },
            { key: SYSTEM_TAGS.sourceName, value: 'sluice serve' },
            { key: SYSTEM_TAGS.sourceType, value: 'LOCAL' },
            { key: 'sluice.kind', value: 'serve' },
          ],
        });
    if (!inherited) {
      await tracking.logBatch(run.info.runId, { params: models.map((model, k) => ({ key: `model.${model.name ?? k}`, value: model.reference })) });
      process.env[SERVING_RUN_ENV] = run.info.runId;
    }
    const root = artifactRoot(run.info.artifactUri);
    let uploads = Promise.resolve();
    const open = services;
    return {
      runId: run.info.runId,
      keep: (path) => {
        uploads = uploads.then(async () => {
          try {
            await open.artifacts.writeFile(`${root}/predictions/${basename(path)}`, path);
          } catch (error) {
            output.stderr.write(`sluice: warning: the prediction log ${path} was not stored with the run: ${error instanceof Error ? error.message : String(error)}\n`);
          }
        });
      },
      finish: async () => {
        await uploads;
        if (!inherited) await tracking.endRun(run.info.runId, 'FINISHED').catch(() => undefined);
        await open.close();
      },
    };
  } catch (error) {
    output.stderr.write(`sluice: warning: this serving session is not recorded in tracking: ${error instanceof Error ? error.message : String(error)}\n`);
    await services?.close().catch(() => undefined);
    return undefined;
  }
}

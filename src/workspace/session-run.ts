/**
 * A long-running session as a tracked run (a model server: `sluice.kind = serve`): what it ran,
 * from when to when, and the files it produces as the run's artifacts in the workspace's artifact
 * store (local, or S3 at team scale), kept as each file completes. Processes of one session (the
 * workers of one server) share the first one's run through an environment variable.
 */
import { basename } from 'node:path';
import type { WorkspaceServices } from './services.js';

/** Set for a session's child processes, so they log to the same run. */
export const SESSION_RUN_ENV = 'SLUICE_SERVING_RUN_ID';

export interface SessionRun {
  readonly runId: string;
  /** Stores a complete file as an artifact of the run under `dir/` (in the background). */
  keep(path: string): void;
  /** Waits for the uploads; the process that started the run also ends it. */
  finish(): Promise<void>;
}

export interface SessionRunStart {
  readonly kind: string;
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
  /** The artifact directory kept files go to. */
  readonly artifactDir: string;
  /** Told when a file could not be kept (the session goes on). */
  readonly warn: (message: string) => void;
}

/** The `mlflow-artifacts:/1/abc/artifacts` root of a run as an artifact-store path. */
function artifactRoot(uri: string): string {
  return uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/+/, '');
}

export async function startSessionRun(services: Pick<WorkspaceServices, 'runs' | 'tracking' | 'artifacts'>, start: SessionRunStart, env: NodeJS.ProcessEnv = process.env): Promise<SessionRun> {
  const inherited = env[SESSION_RUN_ENV];
  const run = inherited ? await services.tracking.getRun(inherited) : await services.runs.start({ kind: start.kind, name: start.name, nested: false });
  if (!inherited) {
    await services.runs.logParams(run.info.runId, start.params);
    env[SESSION_RUN_ENV] = run.info.runId;
  }
  const root = artifactRoot(run.info.artifactUri);
  let uploads = Promise.resolve();
  return {
    runId: run.info.runId,
    keep: (path) => {
      uploads = uploads.then(async () => {
        try {
          await services.artifacts.writeFile(`${root}/${start.artifactDir}/${basename(path)}`, path);
        } catch (error) {
          start.warn(`the file ${path} was not stored with the run: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    },
    finish: async () => {
      await uploads;
      if (!inherited) await services.runs.end(run.info.runId, 'FINISHED').catch(() => undefined);
    },
  };
}

/**
 * A server with many runs for the web UI at scale (issue 18): a workspace in a temp directory
 * whose store holds `count` runs written in bulk (seed-runs.ts), served in this process by the
 * same server `sluice server` starts, with the built UI (dist/ui).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/http/index.js';
import { openWorkspace, openWorkspaceServices } from '../../src/workspace/index.js';
import { seedRuns } from './seed-runs.js';
import { makeTempDir } from './temp-dir.js';

export interface SeededUi {
  readonly url: string;
  close(): Promise<void>;
}

export async function startSeededUi(count: number): Promise<SeededUi> {
  const dir = makeTempDir('sluice-ui-scale-');
  mkdirSync(join(dir.path, '.sluice'), { recursive: true });
  const services = await openWorkspaceServices(openWorkspace(dir.path));
  try {
    const experiment = await services.tracking.createExperiment({ name: 'sweep' });
    await seedRuns(services.store.connection.db, experiment.experimentId, count);
    const { app, url } = await startServer({ services, host: '127.0.0.1', port: 0, version: 'test', logger: false });
    return {
      url,
      close: async () => {
        await app.close();
        await services.close();
        dir.remove();
      },
    };
  } catch (error) {
    await services.close();
    dir.remove();
    throw error;
  }
}

/**
 * A real Sluice server for tests: a workspace in a temp directory, its store on SQLite or on
 * PostgreSQL (a private schema), artifacts on disk or on s3rver, listening on a free loopback port.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/http/index.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../../src/workspace/index.js';
import { createTestSchema } from './postgres.js';
import { startTestS3 } from './s3.js';
import { makeTempDir } from './temp-dir.js';

export interface TestServer {
  readonly url: string;
  readonly root: string;
  readonly services: WorkspaceServices;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly backend?: 'sqlite' | 'postgres';
  readonly artifacts?: 'local' | 's3';
  readonly envToken?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = makeTempDir('sluice-server-');
  mkdirSync(join(dir.path, '.sluice'), { recursive: true });
  const cleanups: (() => Promise<void>)[] = [async () => dir.remove()];
  const env: NodeJS.ProcessEnv = {};
  if (options.backend === 'postgres') {
    const schema = await createTestSchema();
    env.SLUICE_DATABASE_URL = schema.url;
    cleanups.unshift(() => schema.drop());
  }
  if (options.artifacts === 's3') {
    const s3 = await startTestS3();
    Object.assign(env, s3.env);
    env.SLUICE_ARTIFACTS = `s3://${s3.bucket}/artifacts`;
    cleanups.unshift(() => s3.close());
  }
  const workspace = openWorkspace(dir.path, env);
  const services = await openWorkspaceServices(workspace, { env: { ...process.env, ...env } });
  const { app, url } = await startServer({ services, host: '127.0.0.1', port: 0, version: 'test', logger: false, envToken: options.envToken });
  return {
    url,
    root: dir.path,
    services,
    close: async () => {
      await app.close();
      await services.close();
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

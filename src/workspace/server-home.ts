/**
 * Where a standalone `sluice server` keeps its state when it runs outside any project, as
 * `mlflow server` does: a directory (default `./sluice-server`) holding the SQLite database and
 * the artifacts unless `--store` / `--artifacts` (or SLUICE_DATABASE_URL / SLUICE_ARTIFACTS) put
 * them elsewhere (PostgreSQL, S3), and the server's scratch files (uploads in progress, fetched
 * models). The server's services take a {@link Workspace}; this one has no pipeline, cache or
 * config file, only the locations the services read.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStoreUrl } from '../store/index.js';
import { serverHomeNotFound } from './errors.js';
import { locateWorkspaceRoot } from './workspace-root.js';
import { openWorkspace, type Workspace } from './workspace.js';

export interface ServerLocations {
  /** postgresql://… or sqlite:PATH (a path is SQLite); default SLUICE_DATABASE_URL, then the project's or the home's. */
  readonly store?: string | undefined;
  /** A directory or s3://bucket/prefix; default SLUICE_ARTIFACTS, then the project's or the home's. */
  readonly artifacts?: string | undefined;
  /** The standalone server's directory, outside a project; default `./sluice-server`. */
  readonly home?: string | undefined;
  /**
   * Whether a missing home may be created (the server itself) or must exist already unless a
   * store is named (`sluice token`, so that a typo'd directory gets an error, not a new server).
   */
  readonly create?: boolean | undefined;
}

/** The default home of a standalone server, relative to where it is started. */
export const DEFAULT_SERVER_HOME = 'sluice-server';

/** What the server runs over, and whether it is a project's. */
export interface ServerWorkspace {
  readonly workspace: Workspace;
  /** The project root the server was started in; undefined for a standalone server. */
  readonly project: string | undefined;
}

/**
 * Inside a project: the project's workspace, with `--store`/`--artifacts` overriding its settings.
 * Outside one: a standalone home (created on first start) with the given locations.
 */
export function openServerWorkspace(cwd: string, locations: ServerLocations, env: NodeJS.ProcessEnv = process.env): ServerWorkspace {
  const project = locations.home === undefined ? locateWorkspaceRoot(cwd) : undefined;
  const home = resolve(cwd, locations.home ?? DEFAULT_SERVER_HOME);
  if (project === undefined && locations.create === false && locations.store === undefined && !env.SLUICE_DATABASE_URL && !existsSync(home)) {
    throw serverHomeNotFound({ cwd: resolve(cwd), home });
  }
  const base = project === undefined ? standaloneWorkspace(home, env) : openWorkspace(project, env);
  const workspace: Workspace = {
    ...base,
    // The server is where records are kept: it never forwards them to another server (SLUICE_SERVER_URL is for its clients).
    server: undefined,
    storeLocation: locations.store === undefined ? base.storeLocation : parseStoreUrl(locations.store, cwd),
    artifactsUrl: locations.artifacts === undefined ? base.artifactsUrl : /^[a-z][a-z0-9+.-]*:\/\//i.test(locations.artifacts) ? locations.artifacts : resolve(cwd, locations.artifacts),
  };
  if (project === undefined) mkdirSync(workspace.paths.tmpDir, { recursive: true });
  if (workspace.storeLocation.dialect === 'sqlite') mkdirSync(resolve(workspace.storeLocation.path, '..'), { recursive: true });
  return { workspace, project };
}

function standaloneWorkspace(home: string, env: NodeJS.ProcessEnv): Workspace {
  return {
    root: home,
    config: {},
    paths: {
      sluiceDir: home,
      cacheDir: join(home, 'cache'),
      logsDir: join(home, 'logs'),
      tmpDir: join(home, 'tmp'),
      statCacheDir: join(home, 'tmp', 'stat-cache'),
      pipelineFile: join(home, 'sluice.yaml'),
      lockFile: join(home, 'sluice.lock'),
    },
    linkTypes: ['reflink', 'hardlink', 'copy'],
    storeLocation: parseStoreUrl(env.SLUICE_DATABASE_URL || 'sluice.db', home),
    artifactsUrl: env.SLUICE_ARTIFACTS || join(home, 'artifacts'),
    experimentName: 'Default',
    server: undefined,
  };
}

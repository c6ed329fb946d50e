/**
 * Everything a command or the server needs from a workspace, opened together on one database
 * connection: the metadata store, tracking, runs of this workspace, the artifact store, and (per
 * actor) the registry, the model resolver and token management. A command opens these once and
 * passes them to the services it calls. Tracking, the registry and access control are imported
 * on first use, so commands that need none of them (status, dag) do not pay for loading them.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { openObjectStorage } from '../cache/index.js';
import { openMetadataStore, type MetadataStore, type StoreLocation } from '../store/index.js';
import type { AccessService, TokenStore } from '../access/index.js';
import type { Actor, RegistryService, ResolveModel } from '../registry/index.js';
import type { Artifacts, TrackingService } from '../tracking/index.js';
import type { Workspace } from './workspace.js';
import { createWorkspaceRuns, type WorkspaceRuns } from './workspace-runs.js';

export interface WorkspaceServices {
  readonly workspace: Workspace;
  readonly store: MetadataStore;
  readonly tracking: TrackingService;
  /** Runs of this workspace, with its system tags (what commands and the pipeline record through). */
  readonly runs: WorkspaceRuns;
  /** Artifacts: this machine's store, or a team server's. */
  readonly artifacts: Artifacts;
  /** A registry service acting as `actor` (the audit log records it). */
  registry(actor: Actor): RegistryService;
  /** Paths and `models:/` references to local model files, registry files fetched into `.sluice/tmp/models`. */
  models(actor: Actor): ResolveModel;
  /** API tokens as stored (what the server authenticates against). */
  readonly tokens: TokenStore;
  /** Token management acting as `actor` (audited). */
  access(actor: Actor): AccessService;
  close(): Promise<void>;
}

/** Opens a metadata store; injectable so tests can count or fail connections. */
export type StoreOpener = (location: StoreLocation) => Promise<MetadataStore>;

export interface OpenServicesOptions {
  /** An already open metadata store to use (and leave open). */
  readonly store?: MetadataStore | undefined;
  /** How to open the store otherwise (default: SQLite or PostgreSQL by URL). */
  readonly openStore?: StoreOpener | undefined;
  /** AWS settings for S3 artifacts, and the pipeline context for runs; default process.env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Who records runs (`mlflow.user`); default the OS user. */
  readonly user?: string | undefined;
}

/** The OS user, as runs and the audit log name them. */
export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/**
 * Opens the workspace's services: on its own database, or, when a team server is configured
 * (SLUICE_SERVER_URL or `server.url`), with tracking, artifacts and the registry on that server,
 * checked to answer first. The local store stays for what is this checkout's own (pipeline runs,
 * deployments, monitors).
 */
export async function openWorkspaceServices(workspace: Workspace, options: OpenServicesOptions = {}): Promise<WorkspaceServices> {
  const env = options.env ?? process.env;
  if (workspace.server) return openRemoteServices(workspace, workspace.server, options, env);
  const store = options.store ?? (await (options.openStore ?? openMetadataStore)(workspace.storeLocation));
  try {
    const [{ createTrackingService, openTrackingStores, ArtifactStore }, { createModelResolver, createRegistryService, openRegistryStore }, { createAccessService, TokenStore }] = await Promise.all([
      import('../tracking/index.js'),
      import('../registry/index.js'),
      import('../access/index.js'),
    ]);
    const stores = openTrackingStores(store.connection);
    const tracking = createTrackingService({ store: stores.store });
    const storage = await openObjectStorage(workspace.artifactsUrl, workspace.root, env);
    const artifacts = new ArtifactStore({ storage, index: stores.artifactIndex, tempDir: join(workspace.paths.tmpDir, 'uploads') });
    const registryStore = openRegistryStore(store.connection);
    const tokens = new TokenStore(store.connection);
    const registry = (actor: Actor) => createRegistryService({ store: registryStore, tracking, artifacts, actor });
    return {
      workspace,
      store,
      tracking,
      runs: createWorkspaceRuns({ workspace, tracking, user: options.user ?? osUserName(), env }),
      artifacts,
      registry,
      models: (actor) => createModelResolver({ registry: registry(actor), cacheDir: join(workspace.paths.tmpDir, 'models') }),
      tokens,
      access: (actor) => createAccessService({ tokens, audit: registry(actor) }),
      close: async () => {
        (storage as { destroy?: () => void }).destroy?.();
        if (!options.store) await store.close();
      },
    };
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
}

/** The services with tracking, artifacts and the registry on a team server (which must answer before anything else is opened). */
async function openRemoteServices(workspace: Workspace, server: NonNullable<Workspace['server']>, options: OpenServicesOptions, env: NodeJS.ProcessEnv): Promise<WorkspaceServices> {
  const [{ connectToServer }, { createModelResolver }, { createAccessService, TokenStore }] = await Promise.all([import('../remote/index.js'), import('../registry/index.js'), import('../access/index.js')]);
  const remote = await connectToServer({ url: server.url, from: server.from, token: env.SLUICE_TOKEN || undefined });
  const store = options.store ?? (await (options.openStore ?? openMetadataStore)(workspace.storeLocation));
  const tokens = new TokenStore(store.connection);
  return {
    workspace,
    store,
    tracking: remote.tracking,
    runs: createWorkspaceRuns({ workspace, tracking: remote.tracking, user: options.user ?? osUserName(), env }),
    artifacts: remote.artifacts,
    registry: remote.registry,
    models: (actor) => createModelResolver({ registry: remote.registry(actor), cacheDir: join(workspace.paths.tmpDir, 'models') }),
    tokens,
    access: (actor) => createAccessService({ tokens, audit: remote.registry(actor) }),
    close: async () => {
      if (!options.store) await store.close();
    },
  };
}

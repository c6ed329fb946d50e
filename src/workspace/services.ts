/**
 * Everything a command or the server needs from a workspace, opened together on one database
 * connection: the metadata store, tracking, the artifact store and (per actor) the registry.
 * Tracking and the registry are imported on first use, so commands that need neither (status,
 * run with nothing to record) do not pay for loading them.
 */
import { join } from 'node:path';
import { openObjectStorage } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';
import type { AccessService, TokenStore } from '../access/index.js';
import type { Actor, RegistryService } from '../registry/index.js';
import type { ArtifactStore, TrackingService } from '../tracking/index.js';
import { openWorkspaceStore, type Workspace } from './workspace.js';

export interface WorkspaceServices {
  readonly workspace: Workspace;
  readonly store: MetadataStore;
  readonly tracking: TrackingService;
  readonly artifacts: ArtifactStore;
  /** A registry service acting as `actor` (the audit log records it). */
  registry(actor: Actor): RegistryService;
  /** API tokens as stored (what the server authenticates against). */
  readonly tokens: TokenStore;
  /** Token management acting as `actor` (audited). */
  access(actor: Actor): AccessService;
  close(): Promise<void>;
}

/** Opens the services; `store` reuses an already open metadata store; `env` supplies AWS settings for S3 artifacts. */
export async function openWorkspaceServices(workspace: Workspace, options: { store?: MetadataStore; env?: NodeJS.ProcessEnv } = {}): Promise<WorkspaceServices> {
  const store = options.store ?? (await openWorkspaceStore(workspace));
  try {
    const [{ createTrackingService, openTrackingStores, ArtifactStore }, { createRegistryService, openRegistryStore }, { createAccessService, TokenStore }] = await Promise.all([
      import('../tracking/index.js'),
      import('../registry/index.js'),
      import('../access/index.js'),
    ]);
    const stores = openTrackingStores(store.connection);
    const tracking = createTrackingService({ store: stores.store });
    const storage = await openObjectStorage(workspace.artifactsUrl, workspace.root, options.env ?? process.env);
    const artifacts = new ArtifactStore({ storage, index: stores.artifactIndex, tempDir: join(workspace.paths.tmpDir, 'uploads') });
    const registryStore = openRegistryStore(store.connection);
    const tokens = new TokenStore(store.connection);
    const registry = (actor: Actor) => createRegistryService({ store: registryStore, tracking, artifacts, actor });
    return {
      workspace,
      store,
      tracking,
      artifacts,
      registry,
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

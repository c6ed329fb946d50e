/**
 * Registry references as stage dependencies: a stage may depend on `models:/NAME@champion`.
 * Its "hash" is the registry's {@link referenceDigest} of the reference when the stage is
 * checked, so a gate reruns exactly when the champion moves, and the run cache can restore a
 * gate that already judged this candidate against this champion.
 */
import type { HashedFile } from '../cache/index.js';
import type { ModelVersion } from '../registry/index.js';
import type { MetadataStore, StoreLocation } from '../store/index.js';
import type { Workspace } from '../workspace/index.js';

type RegistryModule = typeof import('../registry/index.js');

/** A team server's registry (SLUICE_SERVER_URL or `server.url`), reached with SLUICE_TOKEN. */
export interface RemoteRegistrySource {
  readonly url: string;
  readonly from: string;
  readonly token: string | undefined;
}

/** Where registry references are looked up: the workspace's server when it has one, else `local`. */
export function registrySourceOf(workspace: Workspace, local: MetadataStore | StoreLocation | undefined, env: NodeJS.ProcessEnv = process.env): MetadataStore | StoreLocation | RemoteRegistrySource | undefined {
  return workspace.server ? { ...workspace.server, token: env.SLUICE_TOKEN || undefined } : local;
}

/**
 * Whether a dep names the registry. A prefix test only, so the pipeline loads the registry module
 * (and its ONNX runtime) just for stages that have such a dep; parsing is the registry's.
 */
export function isRegistryReference(path: string): boolean {
  return path.startsWith('models:/');
}

/** Hashes deps that live outside the workspace. */
export interface ExternalDeps {
  hash(reference: string): Promise<HashedFile>;
}

/** External deps that may hold a store connection of their own, released by `close`. */
export interface ClosableExternalDeps extends ExternalDeps {
  close(): Promise<void>;
}

type Lookup = { findVersion(uri: string): Promise<ModelVersion | undefined>; close(): Promise<void> };

/** Opens the lookup a source names: a team server's registry, or a store (open, or opened here). */
async function openLookup(registry: RegistryModule, source: MetadataStore | StoreLocation | RemoteRegistrySource): Promise<Lookup> {
  if ('url' in source) {
    const { connectToServer } = await import('../remote/index.js');
    const remote = await connectToServer(source);
    const service = remote.registry({ name: 'pipeline', origin: 'sluice pipeline: registry dependency' });
    return { findVersion: (uri) => service.findVersion(uri), close: async () => undefined };
  }
  const opened = 'connection' in source ? { store: registry.openRegistryStore(source.connection), close: async () => undefined } : await registry.openRegistryStoreAt(source);
  return { findVersion: (uri) => registry.findModelVersion(opened.store, registry.parseModelUri(uri)), close: opened.close };
}

/**
 * Resolves registry references through a team server or the store: an open one, or the store at
 * a location, opened only if a stage has such a dep (`sluice status` then never loads the store's
 * code). The registry module is loaded on first use either way.
 */
export function registryDeps(source: MetadataStore | StoreLocation | RemoteRegistrySource | undefined): ClosableExternalDeps {
  const resolved = new Map<string, Promise<HashedFile>>();
  let opened: Promise<Lookup | undefined> | undefined;
  const registryStore = (registry: RegistryModule) => (opened ??= source === undefined ? Promise.resolve(undefined) : openLookup(registry, source));
  return {
    hash(reference) {
      let result = resolved.get(reference);
      if (!result) {
        result = (async () => {
          const registry = await import('../registry/index.js');
          const digest = await registry.referenceDigest(await registryStore(registry), reference);
          return { kind: 'file', id: digest.id, size: digest.size, mode: 0o644 };
        })();
        resolved.set(reference, result);
      }
      return result;
    },
    close: async () => {
      const store = await opened?.catch(() => undefined);
      await store?.close();
    },
  };
}

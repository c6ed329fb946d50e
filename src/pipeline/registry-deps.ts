/**
 * Registry references as stage dependencies: a stage may depend on `models:/NAME@champion`.
 * Its "hash" is the registry's {@link referenceDigest} of the reference when the stage is
 * checked, so a gate reruns exactly when the champion moves, and the run cache can restore a
 * gate that already judged this candidate against this champion.
 */
import type { HashedFile } from '../cache/index.js';
import type { RegistryStore } from '../registry/index.js';
import type { MetadataStore, StoreLocation } from '../store/index.js';

type RegistryModule = typeof import('../registry/index.js');

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

/**
 * Resolves registry references through the store: an open one, or the store at a location,
 * opened only if a stage has such a dep (`sluice status` then never loads the store's code).
 * The registry module is loaded on first use either way.
 */
export function registryDeps(source: MetadataStore | StoreLocation | undefined): ClosableExternalDeps {
  const resolved = new Map<string, Promise<HashedFile>>();
  let opened: Promise<{ store: RegistryStore; close(): Promise<void> } | undefined> | undefined;
  const registryStore = (registry: RegistryModule) =>
    (opened ??= (async () => {
      if (source === undefined) return undefined;
      if ('connection' in source) return { store: registry.openRegistryStore(source.connection), close: async () => undefined };
      return registry.openRegistryStoreAt(source);
    })());
  return {
    hash(reference) {
      let result = resolved.get(reference);
      if (!result) {
        result = (async () => {
          const registry = await import('../registry/index.js');
          const digest = await registry.referenceDigest((await registryStore(registry))?.store, reference);
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

/**
 * Registry references as stage dependencies: a stage may depend on `models:/NAME@champion`.
 * Its "hash" is the registry's {@link referenceDigest} of the reference when the stage is
 * checked, so a gate reruns exactly when the champion moves, and the run cache can restore a
 * gate that already judged this candidate against this champion.
 */
import type { HashedFile } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';

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

/** Resolves registry references through the store; the registry module is loaded only if a stage has one. */
export function registryDeps(store: MetadataStore | undefined): ExternalDeps {
  const resolved = new Map<string, Promise<HashedFile>>();
  return {
    hash(reference) {
      let result = resolved.get(reference);
      if (!result) {
        result = (async () => {
          const { openRegistryStore, referenceDigest } = await import('../registry/index.js');
          const digest = await referenceDigest(store && openRegistryStore(store.connection), reference);
          return { kind: 'file', id: digest.id, size: digest.size, mode: 0o644 };
        })();
        resolved.set(reference, result);
      }
      return result;
    },
  };
}

/**
 * Registry references as stage dependencies: a stage may depend on `models:/NAME@champion`.
 * Its "hash" is the content hash of the version the reference names when the stage is checked,
 * so a gate reruns exactly when the champion moves, and the run cache can restore a gate that
 * already judged this candidate against this champion. A reference that names nothing yet
 * hashes to a fixed marker, so it reads as changed the moment it appears.
 */
import { hashBytes } from '../core/index.js';
import type { HashedFile } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';

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
  const missing = (reference: string): HashedFile => ({ kind: 'file', id: `blake3:${hashBytes(`sluice:missing:${reference}`)}`, size: 0, mode: 0o644 });
  return {
    hash(reference) {
      let result = resolved.get(reference);
      if (!result) {
        result = (async () => {
          if (!store) return missing(reference);
          const { openRegistryStore, resolveModelReference } = await import('../registry/index.js');
          const version = await resolveModelReference(openRegistryStore(store.connection), reference);
          return version?.objectId ? { kind: 'file', id: version.objectId, size: version.sizeBytes ?? 0, mode: 0o644 } : missing(reference);
        })();
        resolved.set(reference, result);
      }
      return result;
    },
  };
}

/**
 * A `models:/` URI to the version it names, from the registry store alone (no artifact store, no
 * ONNX runtime): what the pipeline needs to hash a registry reference as a stage dependency.
 */
import type { ModelVersion } from './entities.js';
import { parseModelUri } from './model-uri.js';
import type { RegistryStore } from './store/registry-store.js';

/** The version a URI names now, or undefined when the model, alias or version does not exist. */
export async function resolveModelReference(store: RegistryStore, uri: string): Promise<ModelVersion | undefined> {
  const reference = parseModelUri(uri);
  switch (reference.kind) {
    case 'version':
      return store.getModelVersion(reference.name, reference.version);
    case 'alias': {
      const version = await store.getAliasVersion(reference.name, reference.alias);
      return version === undefined ? undefined : store.getModelVersion(reference.name, version);
    }
    case 'latest':
      return (await store.latestVersions(reference.name, [])).sort((a, b) => b.version - a.version)[0];
    case 'stage':
      return (await store.latestVersions(reference.name, [reference.stage]))[0];
  }
}

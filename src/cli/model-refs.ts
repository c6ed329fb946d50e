/**
 * Model arguments that name registry versions (`models:/NAME/3`, `models:/NAME@champion`): the
 * registry resolves them, and the file is fetched (verified against its hash) into the
 * workspace's model cache, so evaluation and gates load a local file as for a path.
 */
import { join } from 'node:path';
import { fetchModelFile, formatModelUri, isModelUri, type ModelVersion } from '../registry/index.js';
import { cliActor, withServices } from './services.js';

export interface ResolvedModel {
  /** A local file to load. */
  readonly path: string;
  /** How to name it to the user: the path as given, or `models:/NAME@ALIAS (version 3)`. */
  readonly label: string;
  readonly version: ModelVersion | undefined;
}

/** Resolves a path or models:/ URI; with `optional`, a URI naming nothing yet gives undefined instead of an error. */
export async function resolveModelArgument(reference: string, options: { optional?: boolean } = {}): Promise<ResolvedModel | undefined> {
  if (!isModelUri(reference)) return { path: reference, label: reference, version: undefined };
  return withServices(async (services) => {
    const registry = services.registry(cliActor());
    let version: ModelVersion;
    try {
      version = await registry.resolve(reference);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const missing = code === 'SLUICE_REGISTRY_MODEL_NOT_FOUND' || code === 'SLUICE_REGISTRY_ALIAS_NOT_FOUND' || code === 'SLUICE_REGISTRY_VERSION_NOT_FOUND';
      if (options.optional && missing) return undefined;
      throw error;
    }
    const path = await fetchModelFile(registry, version, join(services.workspace.paths.tmpDir, 'models'));
    const canonical = formatModelUri(version.name, version.version);
    return { path, label: reference === canonical ? reference : `${reference} (version ${version.version})`, version };
  });
}

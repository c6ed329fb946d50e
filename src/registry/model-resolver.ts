/**
 * Model arguments to local files: a path is used as it is; a registry reference
 * (`models:/NAME/3`, `models:/NAME@champion`) is resolved to its version and the file fetched,
 * verified against its hash, into a cache directory, so evaluation, gates, packaging and the
 * model server load a local file either way.
 */
import { resolve } from 'node:path';
import { registryNotAvailable } from './errors.js';
import { fetchModelFile } from './model-file.js';
import { formatModelUri, isModelUri } from './model-reference.js';
import type { ModelVersion } from './entities.js';
import type { RegistryService } from './registry-service.js';

export interface ResolvedModel {
  /** A local file to load. */
  readonly path: string;
  /** How to name it to the user: the reference as given, with the version an alias or stage named: `models:/NAME@champion (version 3)`. */
  readonly label: string;
  /** The registered version, for references. */
  readonly version: ModelVersion | undefined;
}

export interface ResolveModelOptions {
  /** A reference naming nothing yet gives undefined instead of an error (a first model has no baseline). */
  readonly optional?: boolean;
  /** Where a relative path is read from (default: the current directory). */
  readonly baseDir?: string;
}

/** The operation evaluation, gates and packaging are given: a reference or path to a local model. */
export interface ResolveModel {
  (reference: string, options?: ResolveModelOptions & { readonly optional?: false }): Promise<ResolvedModel>;
  (reference: string, options: ResolveModelOptions & { readonly optional: true }): Promise<ResolvedModel | undefined>;
}

type Resolution = (reference: string, options?: ResolveModelOptions) => Promise<ResolvedModel | undefined>;

const fromPath = (reference: string, baseDir = '.'): ResolvedModel => {
  if (isModelUri(reference)) throw registryNotAvailable({ reference });
  return { path: resolve(baseDir, reference), label: reference, version: undefined };
};

/** Paths only: what a command can resolve outside a workspace, where there is no registry. */
export function resolveModelPath(reference: string, options?: ResolveModelOptions & { readonly optional?: false }): Promise<ResolvedModel>;
export function resolveModelPath(reference: string, options: ResolveModelOptions & { readonly optional: true }): Promise<ResolvedModel | undefined>;
export async function resolveModelPath(reference: string, options: ResolveModelOptions = {}): Promise<ResolvedModel | undefined> {
  return fromPath(reference, options.baseDir);
}

/** Resolves paths and registry references; fetched files are cached by hash in `cacheDir`. */
export function createModelResolver({ registry, cacheDir }: { readonly registry: RegistryService; readonly cacheDir: string }): ResolveModel {
  const resolution: Resolution = async (reference, options = {}) => {
    if (!isModelUri(reference)) return fromPath(reference, options.baseDir);
    const version = options.optional ? await registry.findVersion(reference) : await registry.resolve(reference);
    if (!version) return undefined;
    const path = await fetchModelFile(registry, version, cacheDir);
    const canonical = formatModelUri(version.name, version.version);
    return { path, label: reference === canonical ? reference : `${reference} (version ${version.version})`, version };
  };
  // One implementation serves both overloads: `optional` is the only way to get undefined.
  return resolution as ResolveModel;
}

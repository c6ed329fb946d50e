/**
 * Model arguments to local files: a path is used as it is; a registry reference
 * (`models:/NAME/3`, `models:/NAME@champion`) is resolved to its version and the file fetched,
 * verified against its hash, into a cache directory, so evaluation, gates, packaging and the
 * model server load a local file either way.
 */
import { resolve } from 'node:path';
import { editDistance } from '../core/index.js';
import { aliasNotFound, registeredModelNotFound, registryNotAvailable } from './errors.js';
import { fetchModelFile } from './model-file.js';
import { formatModelUri, isModelUri, parseModelUri } from './model-reference.js';
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

/**
 * An optional reference (a gate's baseline) that names nothing means "no such model yet": the
 * candidate is a first model. Unless it names nothing by mistake, which would pass a worse model
 * unchecked: a version number of a model that has versions, or an alias spelled close to one the
 * model has (champoin, Champion: one edit or case away). Those are the registry's not-found errors, with the alias meant.
 */
async function checkNamesNothingYet(registry: RegistryService, reference: string): Promise<undefined> {
  const parsed = parseModelUri(reference);
  const model = await registry.getRegisteredModel(parsed.name).catch((error: unknown) => {
    if (registeredModelNotFound.is(error)) return undefined;
    throw error;
  });
  if (!model || model.latestVersions.length === 0) return undefined;
  if (parsed.kind === 'version') await registry.resolve(reference);
  if (parsed.kind === 'alias') {
    // One edit away (a swap, a missing or doubled letter) or another case: a typo. Aliases that
    // differ more (prod-us beside prod-eu) may be meant, and are not assigned yet.
    const wanted = parsed.alias.toLowerCase();
    const meant = model.aliases.find((entry) => editDistance(entry.alias.toLowerCase(), wanted) <= 1)?.alias;
    if (meant !== undefined) throw aliasNotFound({ name: parsed.name, alias: parsed.alias, meant });
  }
  return undefined;
}

/** Resolves paths and registry references; fetched files are cached by hash in `cacheDir`. */
export function createModelResolver({ registry, cacheDir }: { readonly registry: RegistryService; readonly cacheDir: string }): ResolveModel {
  const resolution: Resolution = async (reference, options = {}) => {
    if (!isModelUri(reference)) return fromPath(reference, options.baseDir);
    const version = options.optional ? await registry.findVersion(reference) : await registry.resolve(reference);
    if (!version) return checkNamesNothingYet(registry, reference);
    const path = await fetchModelFile(registry, version, cacheDir);
    const canonical = formatModelUri(version.name, version.version);
    return { path, label: reference === canonical ? reference : `${reference} (version ${version.version})`, version };
  };
  // One implementation serves both overloads: `optional` is the only way to get undefined.
  return resolution as ResolveModel;
}

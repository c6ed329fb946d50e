/**
 * Model references, in one place: `models:/` URIs (MLflow's names for registered versions, by
 * number, alias, stage or `latest`), the short forms people type (`NAME`, `NAME/3`,
 * `NAME@champion`), and what a reference names in a registry store. The registry service, the
 * model resolver (references to local files), the pipeline (references as stage dependencies)
 * and every command use these functions; nothing else interprets a reference.
 */
import { hashBytes } from '../core/index.js';
import { aliasNotFound, invalidModelUri, modelVersionNotFound, registeredModelNotFound } from './errors.js';
import { MODEL_STAGES, type ModelStage, type ModelVersion } from './entities.js';
import type { RegistryStore } from './store/registry-store.js';

export type ModelReference =
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'stage'; readonly stage: ModelStage }
  | { readonly name: string; readonly kind: 'latest' };

const PREFIX = 'models:/';

export function isModelUri(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** Reads `models:/NAME/3`, `models:/NAME@champion`, `models:/NAME/latest` or `models:/NAME/Production`. */
export function parseModelUri(uri: string): ModelReference {
  const body = isModelUri(uri) ? uri.slice(PREFIX.length).replace(/^\/+/, '') : undefined;
  const reference = body ? parseBody(body) : undefined;
  if (!reference) throw invalidModelUri({ uri });
  return reference;
}

/**
 * What a person may type for a model: a `models:/` URI, `NAME/3`, `NAME@champion`, or `NAME`
 * alone (`{ kind: 'model' }`: the model itself, which commands read as its list of versions or
 * its latest version).
 */
export function parseModelReference(text: string): ModelReference | { readonly kind: 'model'; readonly name: string } {
  if (isModelUri(text)) return parseModelUri(text);
  if (!/[/@]/.test(text)) return { kind: 'model', name: text };
  const reference = parseBody(text);
  if (!reference) throw invalidModelUri({ uri: text });
  return reference;
}

function parseBody(body: string): ModelReference | undefined {
  const at = body.lastIndexOf('@');
  if (at > 0 && !body.slice(at).includes('/')) {
    const alias = body.slice(at + 1);
    return alias ? { name: body.slice(0, at), kind: 'alias', alias } : undefined;
  }
  const slash = body.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const name = body.slice(0, slash);
  const selector = body.slice(slash + 1);
  if (/^\d+$/.test(selector)) return { name, kind: 'version', version: Number(selector) };
  if (selector.toLowerCase() === 'latest') return { name, kind: 'latest' };
  const stage = MODEL_STAGES.find((candidate) => candidate.toLowerCase() === selector.toLowerCase());
  return stage ? { name, kind: 'stage', stage } : undefined;
}

/** The canonical URI of a version, with the alias form when one is given. */
export function formatModelUri(name: string, selector: number | string): string {
  return typeof selector === 'number' ? `${PREFIX}${name}/${selector}` : `${PREFIX}${name}@${selector}`;
}

/** The URI of a reference (its canonical spelling). */
export function referenceUri(reference: ModelReference): string {
  switch (reference.kind) {
    case 'version':
      return formatModelUri(reference.name, reference.version);
    case 'alias':
      return formatModelUri(reference.name, reference.alias);
    case 'stage':
      return `${PREFIX}${reference.name}/${reference.stage}`;
    case 'latest':
      return `${PREFIX}${reference.name}/latest`;
  }
}

/** The version a reference names now, or undefined when the model, alias, stage or version does not exist. */
export async function findModelVersion(store: RegistryStore, reference: ModelReference): Promise<ModelVersion | undefined> {
  switch (reference.kind) {
    case 'version':
      return store.getModelVersion(reference.name, reference.version);
    case 'alias': {
      if (reference.alias.toLowerCase() === 'latest') return findModelVersion(store, { name: reference.name, kind: 'latest' });
      const version = await store.getAliasVersion(reference.name, reference.alias);
      return version === undefined ? undefined : store.getModelVersion(reference.name, version);
    }
    case 'latest':
      return (await store.latestVersions(reference.name, [])).sort((a, b) => b.version - a.version)[0];
    case 'stage':
      return (await store.latestVersions(reference.name, [reference.stage]))[0];
  }
}

/** The version a reference names, or the error that says which part is missing. */
export async function resolveModelVersion(store: RegistryStore, reference: ModelReference): Promise<ModelVersion> {
  const found = await findModelVersion(store, reference);
  if (found) return found;
  if (!(await store.getRegisteredModel(reference.name))) throw registeredModelNotFound({ name: reference.name });
  switch (reference.kind) {
    case 'alias':
      if (reference.alias.toLowerCase() !== 'latest') throw aliasNotFound({ name: reference.name, alias: reference.alias });
      throw modelVersionNotFound({ name: reference.name, version: 'latest' });
    case 'version':
      throw modelVersionNotFound({ name: reference.name, version: reference.version });
    case 'stage':
      throw modelVersionNotFound({ name: reference.name, version: reference.stage });
    case 'latest':
      throw modelVersionNotFound({ name: reference.name, version: 'latest' });
  }
}

/** A reference as the pipeline hashes it for the run cache: the named file's id and size. */
export interface ReferenceDigest {
  readonly id: string;
  readonly size: number;
}

/**
 * The content a reference names now, for change detection: the version's file hash, so a stage
 * depending on `models:/NAME@champion` reruns exactly when the champion moves. A reference that
 * names nothing (yet) hashes to a fixed marker, so it reads as changed the moment it appears.
 */
export async function referenceDigest(registry: { findVersion(uri: string): Promise<ModelVersion | undefined> } | undefined, uri: string): Promise<ReferenceDigest> {
  const version = registry ? await registry.findVersion(uri) : undefined;
  return version?.objectId ? { id: version.objectId, size: version.sizeBytes ?? 0 } : { id: `blake3:${hashBytes(`sluice:missing:${uri}`)}`, size: 0 };
}

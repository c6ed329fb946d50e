/**
 * The model registry service: MLflow's registry rules, Sluice's lineage and signatures, and an
 * audit entry for every change. A service is bound to an actor (the CLI user, or the token
 * behind an HTTP request), so the audit log always says who did what, from where.
 */
import { randomBytes } from 'node:crypto';
import { shellWord } from '../core/index.js';
import { validateKey as validateTrackingKey, type Artifacts, type Page, type SearchOptions, type Tag, type TrackingService } from '../tracking/index.js';
import { MODEL_VERSION_SEARCH, pageRequest, parseFilter, parseOrderBy, REGISTERED_MODEL_SEARCH, toPage } from '../tracking/index.js';
import { invalidRegistryValue, modelVersionNotFound, registeredModelNotFound, versionInUse } from './errors.js';
import { MODEL_STAGES, type Actor, type AuditEntry, type ModelStage, type ModelVersion, type RegisteredModel } from './entities.js';
import { findModelVersion, formatModelUri, parseModelUri, resolveModelVersion } from './model-reference.js';
import type { NewModelVersion, RegistryStore } from './store/registry-store.js';

export interface RegistryServiceOptions {
  readonly store: RegistryStore;
  readonly tracking: TrackingService;
  readonly artifacts: Artifacts;
  readonly actor: Actor;
  readonly clock?: () => number;
}

/** A new version as a caller describes it, before Sluice adds hash, signature and lineage. */
export type VersionInput = Partial<Pick<NewModelVersion, 'objectId' | 'sizeBytes' | 'signature' | 'lineage'>> & {
  readonly name: string;
  readonly source: string;
  readonly runId?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
};

/** How a delete treats aliases: MLflow deletes them along (the default); people are asked first. */
export interface DeleteOptions {
  /** Refuse when an alias points at what would be deleted (`sluice models delete` without --force). */
  readonly refuseAliased?: boolean | undefined;
}

/**
 * The registry as every adapter uses it (CLI, MLflow REST routes, Sluice's API). Names and
 * versions are validated here; each change appends an audit entry naming the service's actor.
 */
export interface RegistryService {
  readonly actor: Actor;
  /** Where registered files are kept (content-addressed). */
  readonly artifacts: Artifacts;
  createRegisteredModel(input: { name: string; description?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<RegisteredModel>;
  /** Fails with SLUICE_REGISTRY_MODEL_NOT_FOUND. */
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** MLflow's filter and order_by over registered models, paged. */
  searchRegisteredModels(options?: SearchOptions): Promise<Page<RegisteredModel>>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  /**
   * Deletes the model with its versions and aliases (audited) and returns what it was. With
   * `refuseAliased`, a model any alias points into is kept: SLUICE_REGISTRY_VERSION_IN_USE.
   */
  deleteRegisteredModel(name: string, options?: DeleteOptions): Promise<RegisteredModel>;
  setRegisteredModelTag(name: string, tag: Tag): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  /** Adds a version of an existing model from a source URI (what MLflow clients send). */
  createModelVersion(input: VersionInput): Promise<ModelVersion>;
  /** Fails with SLUICE_REGISTRY_MODEL_NOT_FOUND or SLUICE_REGISTRY_VERSION_NOT_FOUND. */
  getModelVersion(name: string, version: string | number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string | number, description: string): Promise<ModelVersion>;
  /**
   * Deletes a version with the aliases pointing at it (MLflow's rule; audited) and returns what it
   * was. With `refuseAliased`, an aliased version is kept: SLUICE_REGISTRY_VERSION_IN_USE.
   */
  deleteModelVersion(name: string, version: string | number, options?: DeleteOptions): Promise<ModelVersion>;
  searchModelVersions(options?: SearchOptions): Promise<Page<ModelVersion>>;
  setModelVersionTag(name: string, version: string | number, tag: Tag): Promise<void>;
  deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void>;
  /** MLflow's deprecated stages. `archiveExisting` is allowed only for Staging and Production. */
  transitionStage(name: string, version: string | number, stageName: string, archiveExisting: boolean): Promise<ModelVersion>;
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>;
  setAlias(name: string, alias: string, version: string | number): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /** The version an alias names (`latest`: the newest version). */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The version a `models:/` URI names, or the not-found error naming what is missing. */
  resolve(uri: string): Promise<ModelVersion>;
  /** The version a `models:/` URI names, or undefined when it names nothing (yet). */
  findVersion(uri: string): Promise<ModelVersion | undefined>;
  /** Audit entries, newest first; `model` narrows to one registered model. */
  listAudit(options?: { limit?: number | undefined; model?: string | undefined; before?: string | undefined }): Promise<AuditEntry[]>;
  /** Records an audit entry for a change made elsewhere in the registry's name (e.g. token creation). */
  audit(action: string, target: string, details?: Record<string, unknown>): Promise<void>;
}

let lastAuditMs = 0;
let auditSequence = 0;

/**
 * Time-ordered ids, so the audit log sorts by id: 13 hex digits of milliseconds, a sequence number
 * that orders this process's entries within one millisecond (and never lets them go back in time
 * if the clock does), then randomness against other processes' ids.
 */
function auditId(now: number): string {
  if (now > lastAuditMs) {
    lastAuditMs = now;
    auditSequence = 0;
  } else {
    auditSequence += 1;
  }
  return `${lastAuditMs.toString(16).padStart(13, '0')}${auditSequence.toString(16).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
}

export function validateModelName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidRegistryValue({ problem: "Missing value for required parameter 'name'." });
  if (/[/:]/.test(trimmed)) throw invalidRegistryValue({ problem: `Invalid model name '${trimmed}'. Names cannot contain '/' or ':'.` });
  // '@' starts an alias in models:/NAME@ALIAS, and a control character would garble every listing.
  if (trimmed.includes('@')) throw invalidRegistryValue({ problem: `Invalid model name '${trimmed}'. Names cannot contain '@', which models:/NAME@ALIAS reads as the start of an alias.` });
  if (/\p{Cc}/u.test(trimmed)) throw invalidRegistryValue({ problem: `Invalid model name ${JSON.stringify(trimmed)}. Names cannot contain control characters.` });
  if (trimmed === '.' || trimmed === '..') throw invalidRegistryValue({ problem: `Invalid model name '${trimmed}'.` });
  if (trimmed.length > 256) throw invalidRegistryValue({ problem: `Invalid model name '${trimmed.slice(0, 40)}…': at most 256 characters.` });
  return trimmed;
}

export function validateAlias(alias: string): void {
  if (!/^[\w-]{1,255}$/.test(alias)) {
    throw invalidRegistryValue({ problem: `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).` });
  }
  if (alias.toLowerCase() === 'latest') throw invalidRegistryValue({ problem: "'latest' alias name (case insensitive) is reserved." });
  if (/^v\d+$/i.test(alias)) throw invalidRegistryValue({ problem: `Version alias name '${alias}' is reserved.` });
}

export function parseVersion(value: string | number): number {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw invalidRegistryValue({ problem: `Parameter 'version' must be an integer, got '${value}'.` });
  return Number(text);
}

export function parseStage(value: string): ModelStage {
  const stage = MODEL_STAGES.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
  if (!stage) throw invalidRegistryValue({ problem: `Invalid Model Version stage: ${value}. Value must be one of ${MODEL_STAGES.join(', ')}.` });
  return stage;
}

function validateTags(tags: readonly Tag[]): void {
  tags.forEach((tag, index) => {
    validateTrackingKey(tag.key, `tags[${index}].key`);
    if (tag.value.length > 100_000) throw invalidRegistryValue({ problem: `'tags[${index}].value' exceeds the maximum length of 100000 characters.` });
  });
}

// eslint-disable-next-line max-lines-per-function -- a service is one closure over its store and actor; each method is a few lines, and splitting the object would scatter one interface
export function createRegistryService({ store, tracking, artifacts, actor, clock = Date.now }: RegistryServiceOptions): RegistryService {
  async function audit(action: string, target: string, details: Record<string, unknown> = {}): Promise<void> {
    const at = clock();
    const entry: AuditEntry = { id: auditId(at), at, actor: actor.name, action, target, details, origin: actor.origin };
    await store.appendAudit(entry);
  }

  async function modelOrFail(name: string): Promise<RegisteredModel> {
    const model = await store.getRegisteredModel(name);
    if (!model) throw registeredModelNotFound({ name });
    return model;
  }

  async function versionOrFail(name: string, version: string | number): Promise<ModelVersion> {
    const number = parseVersion(version);
    await modelOrFail(name);
    const found = await store.getModelVersion(name, number);
    if (!found) throw modelVersionNotFound({ name, version: number });
    return found;
  }

  const service: RegistryService = {
    actor,
    artifacts,

    async createRegisteredModel(input: { name: string; description?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<RegisteredModel> {
      const name = validateModelName(input.name);
      validateTags(input.tags ?? []);
      await store.createRegisteredModel({ name, description: input.description ?? '', userId: actor.name, tags: input.tags ?? [], now: clock() });
      await audit('registered_model.create', `models:/${name}`, { description: input.description ?? '' });
      return modelOrFail(name);
    },

    getRegisteredModel: modelOrFail,

    async searchRegisteredModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
      const request = pageRequest(options.maxResults, options.pageToken, { fallback: 100, maximum: 1000 });
      const rows = await store.searchRegisteredModels({
        clauses: parseFilter(options.filter, REGISTERED_MODEL_SEARCH),
        order: parseOrderBy(options.orderBy, REGISTERED_MODEL_SEARCH),
        limit: request.limit + 1,
        offset: request.offset,
      });
      return toPage(rows, request);
    },

    async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
      const before = await modelOrFail(name);
      await store.updateRegisteredModel(name, description, clock());
      await audit('registered_model.update', `models:/${name}`, { description: { from: before.description, to: description } });
      return modelOrFail(name);
    },

    async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
      await modelOrFail(name);
      const target = validateModelName(newName);
      await store.renameRegisteredModel(name, target, clock());
      await audit('registered_model.rename', `models:/${target}`, { from: name, to: target });
      return modelOrFail(target);
    },

    async deleteRegisteredModel(name: string, options: DeleteOptions = {}): Promise<RegisteredModel> {
      const model = await modelOrFail(name);
      if (options.refuseAliased && model.aliases.length > 0) {
        throw versionInUse({ target: `models:/${name}`, aliases: model.aliases.map((alias) => `${alias.alias}→${alias.version}`), force: `sluice models delete ${shellWord(name)} --force` });
      }
      await store.deleteRegisteredModel(name);
      await audit('registered_model.delete', `models:/${name}`, { aliases: model.aliases });
      return model;
    },

    async setRegisteredModelTag(name: string, tag: Tag): Promise<void> {
      await modelOrFail(name);
      validateTags([tag]);
      await store.setRegisteredModelTag(name, tag, clock());
      await audit('registered_model.set_tag', `models:/${name}`, { key: tag.key, value: tag.value });
    },

    async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
      await modelOrFail(name);
      await store.deleteRegisteredModelTag(name, key);
      await audit('registered_model.delete_tag', `models:/${name}`, { key });
    },

    /** Adds a version of an existing model from a source URI (what MLflow clients send). */
    async createModelVersion(input: VersionInput): Promise<ModelVersion> {
      const name = validateModelName(input.name);
      await modelOrFail(name);
      if (!input.source.trim()) throw invalidRegistryValue({ problem: "Missing value for required parameter 'source'." });
      if (/(^|\/)\.\.(\/|$)/.test(input.source)) throw invalidRegistryValue({ problem: `Invalid model version source: '${input.source}'. It cannot contain '..'.` });
      if (input.runId) await tracking.getRun(input.runId);
      validateTags(input.tags ?? []);
      const version = await store.createModelVersion({
        name,
        source: input.source,
        runId: input.runId || undefined,
        description: input.description ?? '',
        userId: actor.name,
        tags: input.tags ?? [],
        objectId: input.objectId,
        sizeBytes: input.sizeBytes,
        signature: input.signature,
        lineage: input.lineage,
        now: clock(),
      });
      await audit('model_version.create', formatModelUri(name, version.version), { source: input.source, run_id: input.runId ?? null, object_id: input.objectId ?? null });
      return version;
    },

    getModelVersion: versionOrFail,

    async updateModelVersion(name: string, version: string | number, description: string): Promise<ModelVersion> {
      const before = await versionOrFail(name, version);
      await store.updateModelVersion(name, before.version, description, clock());
      await audit('model_version.update', formatModelUri(name, before.version), { description: { from: before.description, to: description } });
      return versionOrFail(name, before.version);
    },

    async deleteModelVersion(name: string, version: string | number, options: DeleteOptions = {}): Promise<ModelVersion> {
      const existing = await versionOrFail(name, version);
      if (options.refuseAliased && existing.aliases.length > 0) {
        throw versionInUse({ target: formatModelUri(name, existing.version), aliases: existing.aliases, force: `sluice models delete ${shellWord(`${name}/${existing.version}`)} --force` });
      }
      await store.deleteModelVersion(name, existing.version, clock());
      await audit('model_version.delete', formatModelUri(name, existing.version), { aliases: existing.aliases });
      return existing;
    },

    async searchModelVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
      const request = pageRequest(options.maxResults, options.pageToken, { fallback: 200_000, maximum: 200_000 });
      const rows = await store.searchModelVersions({
        clauses: parseFilter(options.filter, MODEL_VERSION_SEARCH),
        order: parseOrderBy(options.orderBy, MODEL_VERSION_SEARCH),
        limit: request.limit + 1,
        offset: request.offset,
      });
      return toPage(rows, request);
    },

    async setModelVersionTag(name: string, version: string | number, tag: Tag): Promise<void> {
      const existing = await versionOrFail(name, version);
      validateTags([tag]);
      await store.setModelVersionTag(name, existing.version, tag);
      await audit('model_version.set_tag', formatModelUri(name, existing.version), { key: tag.key, value: tag.value });
    },

    async deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
      const existing = await versionOrFail(name, version);
      await store.deleteModelVersionTag(name, existing.version, key);
      await audit('model_version.delete_tag', formatModelUri(name, existing.version), { key });
    },

    /** MLflow's deprecated stages. `archiveExisting` is allowed only for Staging and Production. */
    async transitionStage(name: string, version: string | number, stageName: string, archiveExisting: boolean): Promise<ModelVersion> {
      const existing = await versionOrFail(name, version);
      const stage = parseStage(stageName);
      if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
        throw invalidRegistryValue({ problem: `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']` });
      }
      await store.transitionStage(name, existing.version, stage, archiveExisting, clock());
      await audit('model_version.transition_stage', formatModelUri(name, existing.version), { from: existing.currentStage, to: stage, archive_existing_versions: archiveExisting });
      return versionOrFail(name, existing.version);
    },

    async getLatestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
      await modelOrFail(name);
      return store.latestVersions(name, stages.map(parseStage));
    },

    async setAlias(name: string, alias: string, version: string | number): Promise<void> {
      validateAlias(alias);
      const target = await versionOrFail(name, version);
      const previous = await store.getAliasVersion(name, alias);
      await store.setAlias(name, alias, target.version, clock());
      await audit('alias.set', formatModelUri(name, alias), { version: target.version, previous_version: previous ?? null });
    },

    async deleteAlias(name: string, alias: string): Promise<void> {
      await modelOrFail(name);
      const previous = await store.getAliasVersion(name, alias);
      await store.deleteAlias(name, alias);
      await audit('alias.delete', formatModelUri(name, alias), { previous_version: previous ?? null });
    },

    async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
      return resolveModelVersion(store, { name, kind: 'alias', alias });
    },

    async resolve(uri: string): Promise<ModelVersion> {
      return resolveModelVersion(store, parseModelUri(uri));
    },

    async findVersion(uri: string): Promise<ModelVersion | undefined> {
      return findModelVersion(store, parseModelUri(uri));
    },

    /** Audit entries, newest first; `model` narrows to one registered model. */
    listAudit(options: { limit?: number | undefined; model?: string | undefined; before?: string | undefined } = {}): Promise<AuditEntry[]> {
      return store.listAudit({ limit: options.limit ?? 50, targetPrefix: options.model === undefined ? undefined : `models:/${options.model}`, before: options.before });
    },

    /** Records an audit entry for a change made elsewhere in the registry's name (e.g. token creation). */
    audit,
  };
  return service;
}

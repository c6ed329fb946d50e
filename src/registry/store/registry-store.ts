/**
 * The registry store's contract: persistence of registered models, versions, tags, aliases and
 * the audit log, with no policy (validation and MLflow's rules are in the registry service).
 */
import type { FilterClause, OrderClause, Tag } from '../../tracking/index.js';
import type { AuditEntry, Lineage, ModelSignature, ModelStage, ModelVersion, RegisteredModel } from '../entities.js';

export interface RegistrySearchQuery {
  readonly clauses: readonly FilterClause[];
  readonly order: readonly OrderClause[];
  readonly limit: number;
  readonly offset: number;
}

export interface NewModelVersion {
  readonly name: string;
  readonly source: string;
  readonly runId: string | undefined;
  readonly description: string;
  readonly userId: string;
  readonly tags: readonly Tag[];
  readonly objectId: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly signature: ModelSignature | undefined;
  readonly lineage: Lineage | undefined;
  readonly now: number;
}

export interface RegistryStore {
  /** Fails with `SLUICE_REGISTRY_MODEL_EXISTS` if the name is taken. */
  createRegisteredModel(model: { name: string; description: string; userId: string; tags: readonly Tag[]; now: number }): Promise<void>;
  /** With tags, aliases and the newest version per stage. */
  getRegisteredModel(name: string): Promise<RegisteredModel | undefined>;
  searchRegisteredModels(query: RegistrySearchQuery): Promise<RegisteredModel[]>;
  updateRegisteredModel(name: string, description: string, now: number): Promise<void>;
  /** Renames the model and everything that names it; fails with `SLUICE_REGISTRY_MODEL_EXISTS` if taken. */
  renameRegisteredModel(name: string, newName: string, now: number): Promise<void>;
  /** Removes the model with its versions, tags and aliases. */
  deleteRegisteredModel(name: string): Promise<void>;
  setRegisteredModelTag(name: string, tag: Tag, now: number): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  /** Adds a version numbered one past every version the model ever had (deleted ones count). */
  createModelVersion(version: NewModelVersion): Promise<ModelVersion>;
  /** A version that was not deleted, with tags and aliases. */
  getModelVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  updateModelVersion(name: string, version: number, description: string, now: number): Promise<void>;
  /** Deletes a version (kept as a tombstone so its number is never reused) and its aliases. */
  deleteModelVersion(name: string, version: number, now: number): Promise<void>;
  searchModelVersions(query: RegistrySearchQuery): Promise<ModelVersion[]>;
  setModelVersionTag(name: string, version: number, tag: Tag): Promise<void>;
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
  /** Moves a version to a stage; with `archiveExisting`, other versions in that stage go to Archived. */
  transitionStage(name: string, version: number, stage: ModelStage, archiveExisting: boolean, now: number): Promise<void>;
  /** The newest version in each of `stages` (all stages when empty). */
  latestVersions(name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]>;
  /** Versions whose file is this object. */
  findVersionsByObject(objectId: string): Promise<ModelVersion[]>;
  /** The object id of every version's file (what cache garbage collection must keep). */
  listObjectIds(): Promise<string[]>;

  /** Points an alias at a version (moving it if it pointed elsewhere). */
  setAlias(name: string, alias: string, version: number, now: number): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  getAliasVersion(name: string, alias: string): Promise<number | undefined>;

  /** Appends to the audit log. Entries are never changed or removed. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first, optionally only those about one target prefix (`models:/fraud`). */
  listAudit(options: { readonly limit: number; readonly targetPrefix?: string | undefined; readonly before?: string | undefined }): Promise<AuditEntry[]>;
}

/**
 * {@link RegistryStore} over Kysely, for SQLite and PostgreSQL. Version numbers are allocated
 * inside a transaction (max + 1 over all rows, tombstones included) and retried if a concurrent
 * registration took the number first.
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { isUniqueViolation, type Database, type StoreConnection } from '../../store/index.js';
import { comparison, type Tag } from '../../tracking/index.js';
import type { AliasEntry, AuditEntry, Lineage, ModelSignature, ModelStage, ModelVersion, RegisteredModel } from '../entities.js';
import { registeredModelExists } from '../errors.js';
import type { NewModelVersion, RegistrySearchQuery, RegistryStore } from './registry-store.js';

type VersionRow = Selectable<Database['model_versions']>;

const MODEL_ORDER_COLUMNS: Readonly<Record<string, string>> = { name: 'm.name', last_updated_timestamp: 'm.last_updated_timestamp', creation_timestamp: 'm.creation_timestamp' };
const VERSION_COLUMNS: Readonly<Record<string, string>> = {
  name: 'v.name',
  run_id: 'v.run_id',
  source_path: 'v.source',
  version_number: 'v.version',
  creation_timestamp: 'v.creation_timestamp',
  last_updated_timestamp: 'v.last_updated_timestamp',
};

export class KyselyRegistryStore implements RegistryStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: 'sqlite' | 'postgres';

  constructor(connection: StoreConnection) {
    this.db = connection.db;
    this.dialect = connection.dialect;
  }

  async createRegisteredModel(model: { name: string; description: string; userId: string; tags: readonly Tag[]; now: number }): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('registered_models')
          .values({ name: model.name, creation_timestamp: model.now, last_updated_timestamp: model.now, description: model.description, user_id: model.userId })
          .execute();
        if (model.tags.length > 0) await trx.insertInto('registered_model_tags').values(model.tags.map((tag) => ({ name: model.name, key: tag.key, value: tag.value }))).execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw registeredModelExists({ name: model.name }, { cause: error });
      throw error;
    }
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    const [model] = await this.loadModels([name]);
    return model;
  }

  async searchRegisteredModels(query: RegistrySearchQuery): Promise<RegisteredModel[]> {
    const joins: RawBuilder<unknown>[] = [];
    const conditions: RawBuilder<unknown>[] = [sql`1 = 1`];
    query.clauses.forEach((clause, index) => {
      if (clause.type === 'tag') {
        const alias = sql.raw(`t${index}`);
        joins.push(sql`JOIN registered_model_tags ${alias} ON ${alias}.name = m.name AND ${alias}.key = ${clause.key}`);
        conditions.push(comparison(this.dialect, sql`${alias}.value`, clause.comparator, clause.value));
      } else conditions.push(comparison(this.dialect, sql`m.name`, clause.comparator, clause.value));
    });
    const terms = query.order.map((clause) => sql`${sql.raw(MODEL_ORDER_COLUMNS[clause.key]!)} ${sql.raw(clause.ascending ? 'ASC' : 'DESC')}`);
    if (!query.order.some((clause) => clause.key === 'name')) terms.push(sql`m.name ASC`);
    const { rows } = await sql<{ name: string }>`SELECT m.name FROM registered_models m ${sql.join(joins, sql` `)}
      WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${sql.join(terms)} LIMIT ${query.limit} OFFSET ${query.offset}`.execute(this.db);
    return this.loadModels(rows.map((row) => row.name));
  }

  async updateRegisteredModel(name: string, description: string, now: number): Promise<void> {
    await this.db.updateTable('registered_models').set({ description, last_updated_timestamp: now }).where('name', '=', name).execute();
  }

  async renameRegisteredModel(name: string, newName: string, now: number): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
        await trx.insertInto('registered_models').values({ ...row, creation_timestamp: Number(row.creation_timestamp), name: newName, last_updated_timestamp: now }).execute();
        for (const table of ['registered_model_tags', 'model_versions', 'model_version_tags', 'registered_model_aliases'] as const) {
          await trx.updateTable(table).set({ name: newName }).where('name', '=', name).execute();
        }
        await trx.deleteFrom('registered_models').where('name', '=', name).execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw registeredModelExists({ name: newName }, { cause: error });
      throw error;
    }
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['registered_model_aliases', 'model_version_tags', 'model_versions', 'registered_model_tags', 'registered_models'] as const) {
        await trx.deleteFrom(table).where('name', '=', name).execute();
      }
    });
  }

  async setRegisteredModelTag(name: string, tag: Tag, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('registered_model_tags')
        .values({ name, key: tag.key, value: tag.value })
        .onConflict((conflict) => conflict.columns(['name', 'key']).doUpdateSet({ value: tag.value }))
        .execute();
      await trx.updateTable('registered_models').set({ last_updated_timestamp: now }).where('name', '=', name).execute();
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.db.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).execute();
  }

  async createModelVersion(input: NewModelVersion): Promise<ModelVersion> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const version = await this.db.transaction().execute(async (trx) => {
          const { max } = await trx.selectFrom('model_versions').select(sql<number | null>`MAX(version)`.as('max')).where('name', '=', input.name).executeTakeFirstOrThrow();
          const number = (max === null ? 0 : Number(max)) + 1;
          await trx
            .insertInto('model_versions')
            .values({
              name: input.name,
              version: number,
              creation_timestamp: input.now,
              last_updated_timestamp: input.now,
              description: input.description,
              user_id: input.userId,
              current_stage: 'None',
              source: input.source,
              run_id: input.runId ?? null,
              status: 'READY',
              status_message: null,
              deleted: 0,
              object_id: input.objectId ?? null,
              size_bytes: input.sizeBytes ?? null,
              signature: input.signature ? JSON.stringify(input.signature) : null,
              lineage: input.lineage ? JSON.stringify(input.lineage) : null,
            })
            .execute();
          if (input.tags.length > 0) {
            await trx.insertInto('model_version_tags').values(input.tags.map((tag) => ({ name: input.name, version: number, key: tag.key, value: tag.value }))).execute();
          }
          await trx.updateTable('registered_models').set({ last_updated_timestamp: input.now }).where('name', '=', input.name).execute();
          return number;
        });
        return (await this.getModelVersion(input.name, version))!;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 10) throw error;
      }
    }
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const row = await this.db.selectFrom('model_versions').selectAll().where('name', '=', name).where('version', '=', version).where('deleted', '=', 0).executeTakeFirst();
    if (!row) return undefined;
    return (await this.withTagsAndAliases([row]))[0];
  }

  async updateModelVersion(name: string, version: number, description: string, now: number): Promise<void> {
    await this.db.updateTable('model_versions').set({ description, last_updated_timestamp: now }).where('name', '=', name).where('version', '=', version).execute();
  }

  async deleteModelVersion(name: string, version: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('model_versions').set({ deleted: 1, last_updated_timestamp: now }).where('name', '=', name).where('version', '=', version).execute();
      await trx.deleteFrom('registered_model_aliases').where('name', '=', name).where('version', '=', version).execute();
      await trx.deleteFrom('model_version_tags').where('name', '=', name).where('version', '=', version).execute();
      await trx.updateTable('registered_models').set({ last_updated_timestamp: now }).where('name', '=', name).execute();
    });
  }

  async searchModelVersions(query: RegistrySearchQuery): Promise<ModelVersion[]> {
    const joins: RawBuilder<unknown>[] = [];
    const conditions: RawBuilder<unknown>[] = [sql`v.deleted = 0`];
    query.clauses.forEach((clause, index) => {
      if (clause.type === 'tag') {
        const alias = sql.raw(`t${index}`);
        joins.push(sql`JOIN model_version_tags ${alias} ON ${alias}.name = v.name AND ${alias}.version = v.version AND ${alias}.key = ${clause.key}`);
        conditions.push(comparison(this.dialect, sql`${alias}.value`, clause.comparator, clause.value));
      } else conditions.push(comparison(this.dialect, sql.raw(VERSION_COLUMNS[clause.key]!), clause.comparator, clause.value));
    });
    const terms = query.order.map((clause) => sql`${sql.raw(VERSION_COLUMNS[clause.key]!)} ${sql.raw(clause.ascending ? 'ASC' : 'DESC')}`);
    if (query.order.length === 0) terms.push(sql`v.last_updated_timestamp DESC`);
    if (!query.order.some((clause) => clause.key === 'name')) terms.push(sql`v.name ASC`);
    if (!query.order.some((clause) => clause.key === 'version_number')) terms.push(sql`v.version DESC`);
    const { rows } = await sql<VersionRow>`SELECT v.* FROM model_versions v ${sql.join(joins, sql` `)}
      WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${sql.join(terms)} LIMIT ${query.limit} OFFSET ${query.offset}`.execute(this.db);
    return this.withTagsAndAliases(rows);
  }

  async setModelVersionTag(name: string, version: number, tag: Tag): Promise<void> {
    await this.db
      .insertInto('model_version_tags')
      .values({ name, version, key: tag.key, value: tag.value })
      .onConflict((conflict) => conflict.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.db.deleteFrom('model_version_tags').where('name', '=', name).where('version', '=', version).where('key', '=', key).execute();
  }

  async transitionStage(name: string, version: number, stage: ModelStage, archiveExisting: boolean, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (archiveExisting) {
        await trx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_timestamp: now })
          .where('name', '=', name)
          .where('current_stage', '=', stage)
          .where('version', '!=', version)
          .where('deleted', '=', 0)
          .execute();
      }
      await trx.updateTable('model_versions').set({ current_stage: stage, last_updated_timestamp: now }).where('name', '=', name).where('version', '=', version).execute();
      await trx.updateTable('registered_models').set({ last_updated_timestamp: now }).where('name', '=', name).execute();
    });
  }

  async latestVersions(name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]> {
    let query = this.db.selectFrom('model_versions').selectAll().where('name', '=', name).where('deleted', '=', 0).orderBy('version', 'desc');
    if (stages.length > 0) query = query.where('current_stage', 'in', stages);
    const newest = new Map<string, VersionRow>();
    for (const row of await query.execute()) if (!newest.has(row.current_stage)) newest.set(row.current_stage, row);
    return this.withTagsAndAliases([...newest.values()].sort((a, b) => a.version - b.version));
  }

  async findVersionsByObject(objectId: string): Promise<ModelVersion[]> {
    const rows = await this.db.selectFrom('model_versions').selectAll().where('object_id', '=', objectId).where('deleted', '=', 0).orderBy('creation_timestamp', 'desc').execute();
    return this.withTagsAndAliases(rows);
  }

  async listObjectIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('model_versions').select('object_id').distinct().where('object_id', 'is not', null).where('deleted', '=', 0).execute();
    return rows.flatMap((row) => (row.object_id ? [row.object_id] : []));
  }

  async setAlias(name: string, alias: string, version: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('registered_model_aliases')
        .values({ name, alias, version })
        .onConflict((conflict) => conflict.columns(['name', 'alias']).doUpdateSet({ version }))
        .execute();
      await trx.updateTable('registered_models').set({ last_updated_timestamp: now }).where('name', '=', name).execute();
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.db.deleteFrom('registered_model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
  }

  async getAliasVersion(name: string, alias: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('registered_model_aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
    return row ? Number(row.version) : undefined;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ id: entry.id, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, details: JSON.stringify(entry.details), origin: entry.origin })
      .execute();
  }

  async listAudit(options: { readonly limit: number; readonly targetPrefix?: string | undefined; readonly before?: string | undefined }): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
    if (options.targetPrefix !== undefined) {
      const prefix = options.targetPrefix;
      // The model itself, its versions (models:/m/3) and its aliases (models:/m@a); not models:/m2.
      query = query.where(({ or, eb }) => or([eb('target', '=', prefix), eb(sql`substr(target, 1, ${prefix.length + 1})`, 'in', [`${prefix}/`, `${prefix}@`])]));
    }
    if (options.before !== undefined) query = query.where('id', '<', options.before);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as Record<string, unknown>,
      origin: row.origin,
    }));
  }

  /** Registered models by name, in the order given, with tags, aliases and latest versions. */
  private async loadModels(names: readonly string[]): Promise<RegisteredModel[]> {
    if (names.length === 0) return [];
    const rows = await this.db.selectFrom('registered_models').selectAll().where('name', 'in', names).execute();
    const tags = await this.db.selectFrom('registered_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute();
    const aliases = await this.db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute();
    const models = new Map<string, RegisteredModel>();
    for (const row of rows) {
      const latest = await this.latestVersions(row.name, []);
      models.set(row.name, {
        name: row.name,
        creationTimestamp: Number(row.creation_timestamp),
        lastUpdatedTimestamp: Number(row.last_updated_timestamp),
        description: row.description,
        userId: row.user_id,
        tags: tags.filter((tag) => tag.name === row.name).map((tag) => ({ key: tag.key, value: tag.value })),
        aliases: aliases.filter((alias) => alias.name === row.name).map((alias): AliasEntry => ({ alias: alias.alias, version: Number(alias.version) })),
        latestVersions: latest,
      });
    }
    return names.flatMap((name) => models.get(name) ?? []);
  }

  private async withTagsAndAliases(rows: readonly VersionRow[]): Promise<ModelVersion[]> {
    if (rows.length === 0) return [];
    const names = [...new Set(rows.map((row) => row.name))];
    const tags = await this.db.selectFrom('model_version_tags').selectAll().where('name', 'in', names).orderBy('key').execute();
    const aliases = await this.db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute();
    return rows.map((row) => toModelVersion(row, tags, aliases));
  }
}

function toModelVersion(
  row: VersionRow,
  tags: readonly { name: string; version: number; key: string; value: string }[],
  aliases: readonly { name: string; alias: string; version: number }[],
): ModelVersion {
  const version = Number(row.version);
  return {
    name: row.name,
    version,
    creationTimestamp: Number(row.creation_timestamp),
    lastUpdatedTimestamp: Number(row.last_updated_timestamp),
    description: row.description,
    userId: row.user_id,
    currentStage: row.current_stage as ModelStage,
    source: row.source,
    runId: row.run_id ?? undefined,
    status: 'READY',
    statusMessage: row.status_message ?? undefined,
    tags: tags.filter((tag) => tag.name === row.name && Number(tag.version) === version).map((tag) => ({ key: tag.key, value: tag.value })),
    aliases: aliases.filter((alias) => alias.name === row.name && Number(alias.version) === version).map((alias) => alias.alias),
    objectId: row.object_id ?? undefined,
    sizeBytes: row.size_bytes === null ? undefined : Number(row.size_bytes),
    signature: row.signature ? (JSON.parse(row.signature) as ModelSignature) : undefined,
    lineage: row.lineage ? (JSON.parse(row.lineage) as Lineage) : undefined,
  };
}


/**
 * The model registry (MLflow's registered models, versions, tags and aliases, plus what Sluice
 * records about each version: content hash, size, ONNX signature and lineage), the append-only
 * audit log of registry mutations, and the server's API tokens.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('creation_timestamp', 'bigint', (column) => column.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('registered_model_tags')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('creation_timestamp', 'bigint', (column) => column.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('current_stage', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('run_id', 'text')
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('status_message', 'text')
    .addColumn('deleted', 'integer', (column) => column.notNull().defaultTo(0))
    /** The model file's object id (`blake3:<hex>`), when Sluice holds the file. */
    .addColumn('object_id', 'text')
    .addColumn('size_bytes', 'bigint')
    /** JSON: the ONNX signature (inputs, outputs, metadata). */
    .addColumn('signature', 'text')
    /** JSON: lineage Sluice found (pipeline run and stage, data, code, params, baseline). */
    .addColumn('lineage', 'text')
    .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
    .execute();
  await db.schema.createIndex('model_versions_object').on('model_versions').column('object_id').execute();
  await db.schema.createIndex('model_versions_run').on('model_versions').column('run_id').execute();

  await db.schema
    .createTable('model_version_tags')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
    .execute();

  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('alias', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['name', 'alias'])
    .execute();

  // Append only: rows are inserted, never updated or deleted. `seq` orders entries written in one millisecond.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('target', 'text', (column) => column.notNull())
    /** JSON: what changed (before/after values, arguments). */
    .addColumn('details', 'text', (column) => column.notNull())
    /** Where it came from: `cli: sluice models alias …` or `http: POST /api/2.0/… from 10.0.0.5`. */
    .addColumn('origin', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    /** SHA-256 of the secret: the secret itself is shown once and never stored. */
    .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_tokens', 'audit_log', 'registered_model_aliases', 'model_version_tags', 'model_versions', 'registered_model_tags', 'registered_models']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

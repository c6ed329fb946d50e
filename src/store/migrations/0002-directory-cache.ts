/**
 * The directory cache: for each hashed directory, a fingerprint of every file's stat and the
 * directory's id, so that an unchanged 20,000-file dataset is recognised from one walk without
 * loading 20,000 stat-cache rows or rebuilding its manifest.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('directory_cache')
    .addColumn('workspace', 'text', (column) => column.notNull())
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('fingerprint', 'text', (column) => column.notNull())
    .addColumn('object_id', 'text', (column) => column.notNull())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addColumn('file_count', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('directory_cache_pk', ['workspace', 'path'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('directory_cache').ifExists().execute();
}

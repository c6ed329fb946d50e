/** The first schema: pipeline runs, stage runs, the stat cache and the run cache. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_runs')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('git_commit', 'text')
    .addColumn('git_branch', 'text')
    .addColumn('git_dirty', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('user_name', 'text', (column) => column.notNull())
    .addColumn('command', 'text', (column) => column.notNull())
    .addColumn('params', 'text', (column) => column.notNull())
    .addColumn('metrics', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('pipeline_runs_started_at').on('pipeline_runs').column('started_at').execute();

  await db.schema
    .createTable('stage_runs')
    .addColumn('run_id', 'text', (column) => column.notNull().references('pipeline_runs.id').onDelete('cascade'))
    .addColumn('stage', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addColumn('duration_ms', 'bigint', (column) => column.notNull())
    .addColumn('run_cache_key', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('lock', 'text', (column) => column.notNull())
    .addColumn('log_path', 'text')
    .addColumn('message', 'text')
    .addPrimaryKeyConstraint('stage_runs_pk', ['run_id', 'stage'])
    .execute();

  await db.schema
    .createTable('stat_cache')
    .addColumn('workspace', 'text', (column) => column.notNull())
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('inode', 'text', (column) => column.notNull())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addColumn('mtime_ns', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('stat_cache_pk', ['workspace', 'path'])
    .execute();

  await db.schema
    .createTable('run_cache')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('stage', 'text', (column) => column.notNull())
    .addColumn('outs', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['run_cache', 'stat_cache', 'stage_runs', 'pipeline_runs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/**
 * Environments and their rollouts (issue 14): the desired and observed state of each deployment
 * environment, persisted so that a restarted `sluice serve --env` resumes where it was.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollouts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('environment', 'text', (column) => column.notNull())
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('alias', 'text', (column) => column.notNull())
    .addColumn('stable_version', 'integer')
    .addColumn('candidate_version', 'integer', (column) => column.notNull())
    .addColumn('strategy_kind', 'text', (column) => column.notNull())
    /** JSON: the strategy as it was when the rollout started. */
    .addColumn('strategy', 'text', (column) => column.notNull())
    .addColumn('phase', 'text', (column) => column.notNull())
    .addColumn('step_index', 'integer', (column) => column.notNull())
    .addColumn('step_started_at', 'bigint', (column) => column.notNull())
    .addColumn('weight', 'integer', (column) => column.notNull())
    .addColumn('pause_until', 'bigint')
    .addColumn('paused_indefinitely', 'integer', (column) => column.notNull())
    .addColumn('pause_reason', 'text')
    .addColumn('promoted_at', 'bigint')
    /** JSON: AnalysisRunState[]. */
    .addColumn('analysis_runs', 'text', (column) => column.notNull())
    .addColumn('message', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('finished_at', 'bigint')
    /** Optimistic concurrency: every update names the revision it read and bumps it. */
    .addColumn('revision', 'integer', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('rollouts_environment').on('rollouts').columns(['environment', 'created_at']).execute();

  await db.schema
    .createTable('environments')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('stable_version', 'integer')
    .addColumn('current_rollout_id', 'text')
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['environments', 'rollouts']) await db.schema.dropTable(table).ifExists().execute();
}

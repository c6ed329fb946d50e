/**
 * Late labels (issue 15): each window keeps the span of the prediction log it took (the position
 * before and after it), so that when feedback arrives after the window closed, its label checks
 * can be run again over exactly its rows; and each monitor remembers the feedback it has seen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** JSON log positions before and after the window (absent for windows closed before this migration). */
  await db.schema.alterTable('monitor_windows').addColumn('log_from', 'text').execute();
  await db.schema.alterTable('monitor_windows').addColumn('log_to', 'text').execute();
  /** When late labels last changed the window's results. */
  await db.schema.alterTable('monitor_windows').addColumn('rescored_at', 'bigint').execute();
  /** A mark of the feedback files the monitor last scored with (names and sizes). */
  await db.schema.alterTable('monitor_positions').addColumn('feedback', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('monitor_positions').dropColumn('feedback').execute();
  for (const column of ['rescored_at', 'log_to', 'log_from']) await db.schema.alterTable('monitor_windows').dropColumn(column).execute();
}

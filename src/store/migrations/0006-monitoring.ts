/**
 * Monitoring (issue 15): how far each environment's monitor has read its prediction log, the
 * windows it closed, and each check's result per window, as a time series. A window's results and
 * the log position after it are written in one transaction, so a monitor killed between windows
 * resumes from the last closed one and never judges a row twice.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitor_positions')
    .addColumn('environment', 'text', (column) => column.primaryKey())
    /** JSON: bytes of whole lines read, per prediction-log file. */
    .addColumn('position', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('monitor_windows')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('environment', 'text', (column) => column.notNull())
    /** Times of the window's first and last prediction (ms since the epoch). */
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addColumn('ended_at', 'bigint', (column) => column.notNull())
    .addColumn('rows', 'integer', (column) => column.notNull())
    /** The model versions that answered in the window, comma-separated. */
    .addColumn('versions', 'text', (column) => column.notNull())
    .addColumn('closed_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('monitor_windows_environment').on('monitor_windows').columns(['environment', 'ended_at']).execute();

  await db.schema
    .createTable('monitor_results')
    .addColumn('window_id', 'text', (column) => column.notNull())
    .addColumn('check_name', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('summary', 'text', (column) => column.notNull())
    /** JSON: what alert conditions see as <check>.<name>. */
    .addColumn('check_values', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('monitor_results_pk', ['window_id', 'check_name'])
    .execute();

  /** Each alert rule's incident state, for de-duplication and cool-down across passes and restarts. */
  await db.schema
    .createTable('monitor_alert_states')
    .addColumn('environment', 'text', (column) => column.notNull())
    .addColumn('rule', 'text', (column) => column.notNull())
    .addColumn('active', 'integer', (column) => column.notNull())
    .addColumn('last_fired_at', 'bigint')
    .addPrimaryKeyConstraint('monitor_alert_states_pk', ['environment', 'rule'])
    .execute();

  /** Alerts raised (fired or repeated), with what their delivery did. */
  await db.schema
    .createTable('monitor_alerts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('environment', 'text', (column) => column.notNull())
    .addColumn('rule', 'text', (column) => column.notNull())
    .addColumn('severity', 'text', (column) => column.notNull())
    .addColumn('window_id', 'text', (column) => column.notNull())
    .addColumn('fired_at', 'bigint', (column) => column.notNull())
    .addColumn('message', 'text', (column) => column.notNull())
    /** JSON: the check results the condition saw. */
    .addColumn('details', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('monitor_alerts_environment').on('monitor_alerts').columns(['environment', 'fired_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['monitor_alerts', 'monitor_alert_states', 'monitor_results', 'monitor_windows', 'monitor_positions']) await db.schema.dropTable(table).ifExists().execute();
}

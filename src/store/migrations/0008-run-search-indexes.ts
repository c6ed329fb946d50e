/**
 * Run search served from an index for every ordering MLflow clients and its UI use (issue 20).
 *
 * A page of runs is ordered by its first `order_by` term, then by start time (newest first), then
 * by run id. An index serves that order only if it holds all three, so:
 *  - `runs` gets one index per attribute and direction: (experiment, attribute, start_time DESC,
 *    run_id). `end_time` may be NULL and MLflow puts NULLs last in both directions, so its
 *    indexes lead with the expression `(end_time IS NULL)`, the same expression search orders by.
 *  - params, tags and latest metrics get a copy of their run's start time (`run_start_time`;
 *    a run's start time never changes once created), so that a key's index can hold the
 *    tie-breakers: ordering by a tag with three values over 100,000 runs walks the index instead
 *    of sorting a third of the runs. The latest-metric sort indexes are replaced by wider ones.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const KEYED_TABLES = ['run_params', 'run_tags', 'latest_metrics'] as const;

/** Runs indexes: name → the ordering columns after experiment_id. */
const RUNS_INDEXES: Readonly<Record<string, string>> = {
  runs_order_start_desc: 'start_time DESC, run_id',
  runs_order_end_asc: '(end_time IS NULL), end_time, start_time DESC, run_id',
  runs_order_end_desc: '(end_time IS NULL), end_time DESC, start_time DESC, run_id',
  runs_order_name_asc: 'run_name, start_time DESC, run_id',
  runs_order_name_desc: 'run_name DESC, start_time DESC, run_id',
  runs_order_status_asc: 'status, start_time DESC, run_id',
  runs_order_status_desc: 'status DESC, start_time DESC, run_id',
};

/** Keyed-table indexes: name → [table, columns]. */
const KEYED_INDEXES: Readonly<Record<string, readonly [string, string]>> = {
  run_params_order_asc: ['run_params', 'key, value, run_start_time DESC, run_id'],
  run_params_order_desc: ['run_params', 'key, value DESC, run_start_time DESC, run_id'],
  run_tags_order_asc: ['run_tags', 'key, value, run_start_time DESC, run_id'],
  run_tags_order_desc: ['run_tags', 'key, value DESC, run_start_time DESC, run_id'],
  latest_metrics_order_asc: ['latest_metrics', 'key, is_nan, value, run_start_time DESC, run_id'],
  latest_metrics_order_desc: ['latest_metrics', 'key, is_nan, value DESC, run_start_time DESC, run_id'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const table of KEYED_TABLES) {
    // SQLite adds a NOT NULL column only with a default; PostgreSQL drops it once filled, so that
    // a writer forgetting the column fails loudly there.
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN run_start_time bigint NOT NULL DEFAULT 0`.execute(db);
    await sql`UPDATE ${sql.table(table)} SET run_start_time = runs.start_time FROM runs WHERE runs.run_id = ${sql.table(table)}.run_id`.execute(db);
    if (postgres) await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN run_start_time DROP DEFAULT`.execute(db);
  }
  for (const [name, columns] of Object.entries(RUNS_INDEXES)) {
    await sql`CREATE INDEX ${sql.id(name)} ON runs (experiment_id, ${sql.raw(columns)})`.execute(db);
  }
  for (const [name, [table, columns]] of Object.entries(KEYED_INDEXES)) {
    await sql`CREATE INDEX ${sql.id(name)} ON ${sql.table(table)} (${sql.raw(columns)})`.execute(db);
  }
  await db.schema.dropIndex('latest_metrics_sort_asc').execute();
  await db.schema.dropIndex('latest_metrics_sort_desc').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('latest_metrics_sort_asc').on('latest_metrics').columns(['key', 'is_nan', 'value']).execute();
  await db.schema.createIndex('latest_metrics_sort_desc').on('latest_metrics').columns(['key', 'is_nan', 'value desc']).execute();
  for (const name of [...Object.keys(KEYED_INDEXES), ...Object.keys(RUNS_INDEXES)]) await db.schema.dropIndex(name).execute();
  for (const table of KEYED_TABLES) await db.schema.alterTable(table).dropColumn('run_start_time').execute();
}

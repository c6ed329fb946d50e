/**
 * Experiment tracking, shaped after MLflow's tables so its REST API maps onto them one to one:
 * experiments and their tags, runs with params, tags and metric history, the latest value of each
 * metric (what search filters and orders by), datasets a run used (data versions by content hash)
 * and artifacts (paths mapped to content-addressed objects).
 */
import { PostgresAdapter, SqliteAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

// eslint-disable-next-line max-lines-per-function -- a migration is one schema step, read top to bottom as the tables it creates
export async function up(db: Kysely<unknown>): Promise<void> {
  // In SQLite, tables keyed by (run, key) are stored in their key's order (WITHOUT ROWID): one
  // B-tree instead of a table plus its key's index, so every lookup and insert does half the work.
  const clustered = <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    db.getExecutor().adapter instanceof SqliteAdapter ? table.modifyEnd(sql`without rowid`) : table;
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull().unique())
    .addColumn('artifact_location', 'text', (column) => column.notNull())
    .addColumn('lifecycle_stage', 'text', (column) => column.notNull())
    .addColumn('creation_time', 'bigint', (column) => column.notNull())
    .addColumn('last_update_time', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'text', (column) => column.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();

  await clustered(
    db.schema
      .createTable('runs')
      .addColumn('run_id', 'text', (column) => column.primaryKey())
      .addColumn('experiment_id', 'text', (column) => column.notNull().references('experiments.experiment_id').onDelete('cascade'))
      .addColumn('run_name', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('start_time', 'bigint', (column) => column.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('lifecycle_stage', 'text', (column) => column.notNull())
      .addColumn('artifact_uri', 'text', (column) => column.notNull())
      .addColumn('deleted_time', 'bigint'),
  ).execute();
  // Search's default order within an experiment.
  await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'start_time', 'run_id']).execute();

  await clustered(
    db.schema
      .createTable('run_params')
      .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('value', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('run_params_pk', ['run_id', 'key']),
  ).execute();
  await db.schema.createIndex('run_params_key_value').on('run_params').columns(['key', 'value']).execute();

  await clustered(
    db.schema
      .createTable('run_tags')
      .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('value', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('run_tags_pk', ['run_id', 'key']),
  ).execute();
  await db.schema.createIndex('run_tags_key_value').on('run_tags').columns(['key', 'value']).execute();

  // Every logged point. The key includes the value, as in MLflow: logging the same point twice is a no-op.
  await clustered(
    db.schema
      .createTable('metrics')
      .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('step', 'bigint', (column) => column.notNull())
      .addColumn('timestamp', 'bigint', (column) => column.notNull())
      .addColumn('value', 'double precision', (column) => column.notNull())
      .addColumn('is_nan', 'integer', (column) => column.notNull())
      .addPrimaryKeyConstraint('metrics_pk', ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']),
  ).execute();

  // The point with the highest (step, timestamp, value) per run and key.
  await clustered(
    db.schema
      .createTable('latest_metrics')
      .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('step', 'bigint', (column) => column.notNull())
      .addColumn('timestamp', 'bigint', (column) => column.notNull())
      .addColumn('value', 'double precision', (column) => column.notNull())
      .addColumn('is_nan', 'integer', (column) => column.notNull())
      .addPrimaryKeyConstraint('latest_metrics_pk', ['run_id', 'key']),
  ).execute();
  // Search walks a metric's runs in value order, NaN after real values, in either direction.
  await db.schema.createIndex('latest_metrics_sort_asc').on('latest_metrics').columns(['key', 'is_nan', 'value']).execute();
  await db.schema.createIndex('latest_metrics_sort_desc').on('latest_metrics').columns(['key', 'is_nan', 'value desc']).execute();

  await db.schema
    .createTable('datasets')
    .addColumn('dataset_id', 'text', (column) => column.primaryKey())
    .addColumn('experiment_id', 'text', (column) => column.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('digest', 'text', (column) => column.notNull())
    .addColumn('source_type', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addUniqueConstraint('datasets_identity', ['experiment_id', 'name', 'digest'])
    .execute();
  await db.schema.createIndex('datasets_digest').on('datasets').column('digest').execute();

  await db.schema
    .createTable('run_inputs')
    .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
    .addColumn('dataset_id', 'text', (column) => column.notNull().references('datasets.dataset_id').onDelete('cascade'))
    /** JSON: the input's tags, e.g. `{"mlflow.data.context": "training"}`. */
    .addColumn('tags', 'text', (column) => column.notNull())
    /** The `mlflow.data.context` tag, a column so that search can filter on it. */
    .addColumn('context', 'text')
    .addPrimaryKeyConstraint('run_inputs_pk', ['run_id', 'dataset_id'])
    .execute();

  // Files a run produced, by content hash (pipeline outs): how a registered model finds the run that made it.
  await db.schema
    .createTable('run_outputs')
    .addColumn('run_id', 'text', (column) => column.notNull().references('runs.run_id').onDelete('cascade'))
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('object_id', 'text', (column) => column.notNull())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('run_outputs_pk', ['run_id', 'path'])
    .execute();
  await db.schema.createIndex('run_outputs_object').on('run_outputs').column('object_id').execute();

  // Artifact paths (`<experiment>/<run>/artifacts/model.onnx`) mapped to content-addressed objects.
  // Byte order ("C" collation in PostgreSQL, SQLite's default) makes a directory listing one index range: '/' < '0'.
  const bytewiseText = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('artifacts')
    .addColumn('path', bytewiseText, (column) => column.primaryKey())
    .addColumn('object_id', 'text', (column) => column.notNull())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('artifacts_object').on('artifacts').column('object_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['artifacts', 'run_outputs', 'run_inputs', 'datasets', 'latest_metrics', 'metrics', 'run_tags', 'run_params', 'runs', 'experiment_tags', 'experiments']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

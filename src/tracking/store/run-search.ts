/**
 * Run search as one SQL statement: each metric, param or tag clause joins its table on
 * (run, key) (unique, so a join selects like MLflow's EXISTS and lets the planner start from
 * the (key, value) index), attribute clauses test `runs` columns, and each ordering key is a
 * left join sorted present-first: real values, then NaN, then runs without the key, in both
 * directions, as MLflow orders. Ties fall back to start time (newest first), then run id.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../store/index.js';
import type { FilterClause, OrderClause } from '../search/index.js';
import type { ViewType } from '../entities.js';
import { comparison, type Dialect } from './sql-conditions.js';
import type { RunSearchQuery, SearchQuery } from './tracking-store.js';

const KEYED_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;

/** Columns of `runs` that attributes name. */
const RUN_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'run_id',
  run_name: 'run_name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
};

export function lifecycleStages(viewType: ViewType): string[] {
  return viewType === 'ALL' ? ['active', 'deleted'] : viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
}

/** The ids of the runs a query selects, in order. */
export async function searchRunIds(db: Kysely<Database>, dialect: Dialect, query: RunSearchQuery): Promise<string[]> {
  if (query.experimentIds.length === 0) return [];
  const joins: RawBuilder<unknown>[] = [];
  const conditions: RawBuilder<unknown>[] = [
    sql`r.experiment_id IN (${sql.join(query.experimentIds.map((id) => sql`${id}`))})`,
    sql`r.lifecycle_stage IN (${sql.join(lifecycleStages(query.viewType).map((stage) => sql`${stage}`))})`,
  ];
  query.clauses.forEach((clause, index) => addFilter(clause, index, dialect, joins, conditions));
  if (query.topLevelOnly) conditions.push(sql`NOT EXISTS (SELECT 1 FROM run_tags p WHERE p.run_id = r.run_id AND p.key = 'mlflow.parentRunId')`);
  const ordering = orderBy(query.order, joins);
  const statement = sql<{ run_id: string }>`SELECT r.run_id FROM runs r ${sql.join(joins, sql` `)}
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${sql.join(ordering)}
    LIMIT ${query.limit} OFFSET ${query.offset}`;
  const { rows } = await statement.execute(db);
  return rows.map((row) => row.run_id);
}

function addFilter(clause: FilterClause, index: number, dialect: Dialect, joins: RawBuilder<unknown>[], conditions: RawBuilder<unknown>[]): void {
  const alias = sql.raw(`f${index}`);
  switch (clause.type) {
    case 'metric':
    case 'param':
    case 'tag':
      joins.push(sql`JOIN ${sql.raw(KEYED_TABLES[clause.type])} ${alias} ON ${alias}.run_id = r.run_id AND ${alias}.key = ${clause.key}`);
      conditions.push(comparison(dialect, sql`${alias}.value`, clause.comparator, clause.value));
      return;
    case 'attribute':
      conditions.push(comparison(dialect, sql.raw(`r.${RUN_COLUMNS[clause.key]!}`), clause.comparator, clause.value));
      return;
    case 'dataset': {
      const column = clause.key === 'context' ? sql`ri.context` : sql.raw(`d.${clause.key === 'digest' ? 'digest' : 'name'}`);
      conditions.push(sql`EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_id = ri.dataset_id
        WHERE ri.run_id = r.run_id AND ${comparison(dialect, column, clause.comparator, clause.value)})`);
      return;
    }
  }
}

function orderBy(order: readonly OrderClause[], joins: RawBuilder<unknown>[]): RawBuilder<unknown>[] {
  const terms: RawBuilder<unknown>[] = [];
  order.forEach((clause, index) => {
    const direction = sql.raw(clause.ascending ? 'ASC' : 'DESC');
    if (clause.type === 'attribute') {
      const column = sql.raw(`r.${RUN_COLUMNS[clause.key]!}`);
      terms.push(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`, sql`${column} ${direction}`);
      return;
    }
    const table = KEYED_TABLES[clause.type as keyof typeof KEYED_TABLES];
    const alias = sql.raw(`o${index}`);
    joins.push(sql`LEFT JOIN ${sql.raw(table)} ${alias} ON ${alias}.run_id = r.run_id AND ${alias}.key = ${clause.key}`);
    const nan = clause.type === 'metric' ? sql`WHEN ${alias}.is_nan = 1 THEN 1 ` : sql``;
    terms.push(sql`CASE WHEN ${alias}.run_id IS NULL THEN 2 ${nan}ELSE 0 END`, sql`${alias}.value ${direction}`);
  });
  if (!order.some((clause) => clause.type === 'attribute' && clause.key === 'start_time')) terms.push(sql`r.start_time DESC`);
  terms.push(sql`r.run_id ASC`);
  return terms;
}

/** Experiment search: attribute and tag clauses, MLflow's default order (newest first). */
export async function searchExperimentIds(db: Kysely<Database>, dialect: Dialect, query: SearchQuery): Promise<string[]> {
  const joins: RawBuilder<unknown>[] = [];
  const conditions: RawBuilder<unknown>[] = [sql`e.lifecycle_stage IN (${sql.join(lifecycleStages(query.viewType).map((stage) => sql`${stage}`))})`];
  query.clauses.forEach((clause, index) => {
    if (clause.type === 'tag') {
      const alias = sql.raw(`t${index}`);
      joins.push(sql`JOIN experiment_tags ${alias} ON ${alias}.experiment_id = e.experiment_id AND ${alias}.key = ${clause.key}`);
      conditions.push(comparison(dialect, sql`${alias}.value`, clause.comparator, clause.value));
    } else {
      conditions.push(comparison(dialect, sql.raw(`e.${clause.key}`), clause.comparator, clause.value));
    }
  });
  const terms: RawBuilder<unknown>[] = query.order.map((clause) => {
    // Ids are integers written as text: order them as numbers.
    const column = clause.key === 'experiment_id' ? sql`CAST(e.experiment_id AS BIGINT)` : sql.raw(`e.${clause.key}`);
    return sql`${column} ${sql.raw(clause.ascending ? 'ASC' : 'DESC')}`;
  });
  if (query.order.length === 0) terms.push(sql`e.creation_time DESC`);
  if (!query.order.some((clause) => clause.key === 'experiment_id')) terms.push(sql`CAST(e.experiment_id AS BIGINT) ASC`);
  const { rows } = await sql<{ experiment_id: string }>`SELECT e.experiment_id FROM experiments e ${sql.join(joins, sql` `)}
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${sql.join(terms)} LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
  return rows.map((row) => row.experiment_id);
}

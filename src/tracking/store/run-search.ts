/**
 * Run search, planned so that a page of 100,000 runs costs about as much as a page of 1,000.
 *
 * The first ordering key drives the query: ordering by a metric (or param, or tag) walks that
 * key's index in order — the sort index on (key, is_nan, value) puts NaN after real values in
 * both directions, as MLflow orders — and stops once the page is full; filters are EXISTS probes
 * on (run, key). A filter on the driving key itself becomes a range on that index. Runs without
 * the key come after all runs with it (MLflow's order), from a second query that runs only when
 * a page reaches them. Ordering by an attribute, or by default by start time, walks `runs` in
 * (experiment, start_time) order the same way. Later keys break ties; the last tie-breaker is
 * the run id, so pages never overlap.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../store/index.js';
import type { FilterClause, OrderClause } from '../search/index.js';
import type { ViewType } from '../entities.js';
import { comparison, type Dialect } from './sql-conditions.js';
import type { RunSearchQuery } from './tracking-store.js';

const KEYED_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;
type Keyed = keyof typeof KEYED_TABLES;

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

function isKeyed(type: string): type is Keyed {
  return type === 'metric' || type === 'param' || type === 'tag';
}

const list = (values: readonly string[]) => sql.join(values.map((value) => sql`${value}`));

/** Conditions every candidate run must meet: scope, lifecycle, filters (as probes), nesting. */
function runConditions(query: RunSearchQuery, dialect: Dialect, skip?: FilterClause): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`r.experiment_id IN (${list(query.experimentIds)})`, sql`r.lifecycle_stage IN (${list(lifecycleStages(query.viewType))})`];
  for (const clause of query.clauses) if (clause !== skip) conditions.push(filterCondition(clause, dialect));
  if (query.topLevelOnly) conditions.push(sql`NOT EXISTS (SELECT 1 FROM run_tags p WHERE p.run_id = r.run_id AND p.key = 'mlflow.parentRunId')`);
  return conditions;
}

function filterCondition(clause: FilterClause, dialect: Dialect): RawBuilder<unknown> {
  switch (clause.type) {
    case 'metric':
    case 'param':
    case 'tag':
      return sql`EXISTS (SELECT 1 FROM ${sql.raw(KEYED_TABLES[clause.type])} f WHERE f.run_id = r.run_id AND f.key = ${clause.key} AND ${comparison(dialect, sql`f.value`, clause.comparator, clause.value)})`;
    case 'attribute':
      return comparison(dialect, sql.raw(`r.${RUN_COLUMNS[clause.key]!}`), clause.comparator, clause.value);
    case 'dataset': {
      const column = clause.key === 'context' ? sql`ri.context` : sql.raw(`d.${clause.key === 'digest' ? 'digest' : 'name'}`);
      return sql`EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_id = ri.dataset_id
        WHERE ri.run_id = r.run_id AND ${comparison(dialect, column, clause.comparator, clause.value)})`;
    }
  }
}

/** ORDER BY terms for the clauses after the first, as left joins sorted present-first, then the tie-breakers. */
function tieBreakers(order: readonly OrderClause[], joins: RawBuilder<unknown>[]): RawBuilder<unknown>[] {
  const terms: RawBuilder<unknown>[] = [];
  order.forEach((clause, index) => {
    const direction = sql.raw(clause.ascending ? 'ASC' : 'DESC');
    if (clause.type === 'attribute') {
      const column = sql.raw(`r.${RUN_COLUMNS[clause.key]!}`);
      terms.push(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`, sql`${column} ${direction}`);
      return;
    }
    const alias = sql.raw(`o${index + 1}`);
    joins.push(sql`LEFT JOIN ${sql.raw(KEYED_TABLES[clause.type as Keyed])} ${alias} ON ${alias}.run_id = r.run_id AND ${alias}.key = ${clause.key}`);
    const nan = clause.type === 'metric' ? sql`WHEN ${alias}.is_nan = 1 THEN 1 ` : sql``;
    terms.push(sql`CASE WHEN ${alias}.run_id IS NULL THEN 2 ${nan}ELSE 0 END`, sql`${alias}.value ${direction}`);
  });
  return terms;
}

function finalTerms(order: readonly OrderClause[]): RawBuilder<unknown>[] {
  const terms: RawBuilder<unknown>[] = [];
  if (!order.some((clause) => clause.type === 'attribute' && clause.key === 'start_time')) terms.push(sql`r.start_time DESC`);
  terms.push(sql`r.run_id ASC`);
  return terms;
}

async function ids(db: Kysely<Database>, statement: RawBuilder<{ run_id: string }>): Promise<string[]> {
  const { rows } = await statement.execute(db);
  return rows.map((row) => row.run_id);
}

/** The ids of the runs a query selects, in order. */
export async function searchRunIds(db: Kysely<Database>, dialect: Dialect, query: RunSearchQuery): Promise<string[]> {
  if (query.experimentIds.length === 0 || query.limit <= 0) return [];
  const [first, ...rest] = query.order;
  if (!first || !isKeyed(first.type)) {
    const joins: RawBuilder<unknown>[] = [];
    const terms = [...tieBreakers(query.order, joins), ...finalTerms(query.order)];
    return ids(db, sql<{ run_id: string }>`SELECT r.run_id FROM runs r ${sql.join(joins, sql` `)}
      WHERE ${sql.join(runConditions(query, dialect), sql` AND `)}
      ORDER BY ${sql.join(terms)} LIMIT ${query.limit} OFFSET ${query.offset}`);
  }
  return searchByKey(db, dialect, query, first as OrderClause & { type: Keyed }, rest);
}

/** Ordered by a metric, param or tag: the runs with the key from its index, then the runs without it. */
async function searchByKey(db: Kysely<Database>, dialect: Dialect, query: RunSearchQuery, first: OrderClause & { type: Keyed }, rest: readonly OrderClause[]): Promise<string[]> {
  const table = sql.raw(KEYED_TABLES[first.type]);
  const direction = sql.raw(first.ascending ? 'ASC' : 'DESC');
  // A filter on the ordering key itself is a range on the same index, not a probe per run.
  const onKey = query.clauses.find((clause) => clause.type === first.type && clause.key === first.key);
  const keyConditions: RawBuilder<unknown>[] = [sql`o0.key = ${first.key}`];
  if (onKey) keyConditions.push(comparison(dialect, sql`o0.value`, onKey.comparator, onKey.value));
  // Naming both is_nan values lets SQLite seek into the (key, is_nan, value) index with a value range;
  // PostgreSQL walks the index in order without it, and with it would read two ranges and sort.
  if (first.type === 'metric' && dialect === 'sqlite') keyConditions.push(sql`o0.is_nan IN (0, 1)`);
  const joins: RawBuilder<unknown>[] = [];
  const later = tieBreakers(rest, joins);
  const leading = first.type === 'metric' ? [sql`o0.is_nan ASC`, sql`o0.value ${direction}`] : [sql`o0.value ${direction}`];
  // CROSS JOIN fixes the loop order in SQLite (the key's index outside); PostgreSQL plans it as any join.
  const present = (columns: RawBuilder<unknown>, tail: RawBuilder<unknown>) => sql`SELECT ${columns} FROM ${table} o0 CROSS JOIN runs r ${sql.join(joins, sql` `)}
    WHERE r.run_id = o0.run_id AND ${sql.join([...keyConditions, ...runConditions(query, dialect, onKey)], sql` AND `)} ${tail}`;
  const found = await ids(db, present(sql`r.run_id`, sql`ORDER BY ${sql.join([...leading, ...later, ...finalTerms(rest)])} LIMIT ${query.limit} OFFSET ${query.offset}`) as RawBuilder<{ run_id: string }>);
  // A filter on the key excludes the runs without it; otherwise they follow once the page reaches them.
  if (found.length === query.limit || onKey) return found;
  const { rows } = await (present(sql`COUNT(*) AS count`, sql``) as RawBuilder<{ count: number | string }>).execute(db);
  const withKey = Number(rows[0]?.count ?? 0);
  const missingJoins: RawBuilder<unknown>[] = [];
  const missingTerms = [...tieBreakers(rest, missingJoins), ...finalTerms(rest)];
  const missing = await ids(db, sql<{ run_id: string }>`SELECT r.run_id FROM runs r ${sql.join(missingJoins, sql` `)}
    WHERE ${sql.join([...runConditions(query, dialect), sql`NOT EXISTS (SELECT 1 FROM ${table} m WHERE m.run_id = r.run_id AND m.key = ${first.key})`], sql` AND `)}
    ORDER BY ${sql.join(missingTerms)} LIMIT ${query.limit - found.length} OFFSET ${Math.max(0, query.offset - withKey)}`);
  return [...found, ...missing];
}

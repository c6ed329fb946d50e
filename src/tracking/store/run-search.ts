/**
 * Run search, planned so that a page of 100,000 runs costs about as much as a page of 1,000.
 *
 * The first ordering key drives the query: ordering by a metric (or param, or tag) walks that
 * key's index in order — the sort index on (key, is_nan, value) puts NaN after real values in
 * both directions, as MLflow orders — and stops once the page is full; filters are EXISTS probes
 * on (run, key). A filter on the driving key itself becomes a range on that index. Runs without
 * the key come after all runs with it (MLflow's order), from a second query that runs only when
 * a page reaches them. Ordering by an attribute, or by default by start time, walks one of the
 * `runs` indexes on (experiment, attribute, start_time DESC, run_id) the same way. Later keys
 * break ties, then start time (newest first) and the run id, so pages never overlap; the key
 * tables carry their run's start time so that their indexes hold these tie-breakers too
 * (migration 0008), and no ordering sorts the matching runs. Searching several experiments at
 * once does sort: each experiment's runs are in order, their union is not.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../store/index.js';
import type { FilterClause, OrderClause } from '../search/index.js';
import type { ViewType } from '../entities.js';
import { comparison, type Dialect } from './sql-conditions.js';
import type { RunSearchQuery } from './tracking-store.js';

const KEYED_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;
type Keyed = keyof typeof KEYED_TABLES;

/**
 * Columns of `runs` that may be NULL (migration 0003): only these need MLflow's "NULLs last" term,
 * which on a NOT NULL column would only stop the planners from walking an index.
 */
const NULLABLE_COLUMNS: ReadonlySet<string> = new Set(['end_time']);

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
      // NULLs last in both directions, as MLflow orders; the same expression leads end_time's indexes.
      if (NULLABLE_COLUMNS.has(clause.key)) terms.push(sql`(${column} IS NULL)`);
      terms.push(sql`${column} ${direction}`);
      return;
    }
    const alias = sql.raw(`o${index + 1}`);
    joins.push(sql`LEFT JOIN ${sql.raw(KEYED_TABLES[clause.type as Keyed])} ${alias} ON ${alias}.run_id = r.run_id AND ${alias}.key = ${clause.key}`);
    const nan = clause.type === 'metric' ? sql`WHEN ${alias}.is_nan = 1 THEN 1 ` : sql``;
    terms.push(sql`CASE WHEN ${alias}.run_id IS NULL THEN 2 ${nan}ELSE 0 END`, sql`${alias}.value ${direction}`);
  });
  return terms;
}

/**
 * Start time (newest first) unless already ordered by, then the run id. From `runs` (`r`), or from
 * the driving key's row (`o0`, which carries both), so that the key's index serves the whole order.
 */
function finalTerms(order: readonly OrderClause[], source: 'r' | 'o0' = 'r'): RawBuilder<unknown>[] {
  const terms: RawBuilder<unknown>[] = [];
  if (!order.some((clause) => clause.type === 'attribute' && clause.key === 'start_time')) terms.push(sql.raw(source === 'r' ? 'r.start_time DESC' : 'o0.run_start_time DESC'));
  terms.push(sql.raw(`${source}.run_id ASC`));
  return terms;
}

type IdStatement = RawBuilder<{ run_id: string }>;

async function ids(db: Kysely<Database>, statement: IdStatement): Promise<string[]> {
  const { rows } = await statement.execute(db);
  return rows.map((row) => row.run_id);
}

type KeyOrder = OrderClause & { type: Keyed };

/** The ids of the runs a query selects, in order. */
export async function searchRunIds(db: Kysely<Database>, dialect: Dialect, query: RunSearchQuery): Promise<string[]> {
  if (query.experimentIds.length === 0 || query.limit <= 0) return [];
  const [first, ...rest] = query.order;
  if (!first || !isKeyed(first.type)) return ids(db, byRunsStatement(dialect, query));
  return searchByKey(db, dialect, query, first as KeyOrder, rest);
}

/**
 * The statements a search runs for its ids, in order, with the limit and offset of its first
 * page: what the query-plan tests explain. Ordered by a key, the second finds the runs without it.
 */
export function searchStatements(dialect: Dialect, query: RunSearchQuery): IdStatement[] {
  const [first, ...rest] = query.order;
  if (!first || !isKeyed(first.type)) return [byRunsStatement(dialect, query)];
  const key = byKeyStatements(dialect, query, first as KeyOrder, rest);
  return key.filtersKey ? [key.page] : [key.page, key.missing(query.limit, query.offset)];
}

/** Ordered by an attribute, or by default: one walk of a `runs` index. */
function byRunsStatement(dialect: Dialect, query: RunSearchQuery): IdStatement {
  const joins: RawBuilder<unknown>[] = [];
  const terms = [...tieBreakers(query.order, joins), ...finalTerms(query.order)];
  return sql<{ run_id: string }>`SELECT r.run_id FROM runs r ${sql.join(joins, sql` `)}
    WHERE ${sql.join(runConditions(query, dialect), sql` AND `)}
    ORDER BY ${sql.join(terms)} LIMIT ${query.limit} OFFSET ${query.offset}`;
}

/** Ordered by a metric, param or tag: the runs with the key from its index, then the runs without it. */
async function searchByKey(db: Kysely<Database>, dialect: Dialect, query: RunSearchQuery, first: KeyOrder, rest: readonly OrderClause[]): Promise<string[]> {
  const statements = byKeyStatements(dialect, query, first, rest);
  const found = await ids(db, statements.page);
  // A filter on the key excludes the runs without it; otherwise they follow once the page reaches them.
  if (found.length === query.limit || statements.filtersKey) return found;
  const { rows } = await statements.count.execute(db);
  const withKey = Number(rows[0]?.count ?? 0);
  return [...found, ...(await ids(db, statements.missing(query.limit - found.length, Math.max(0, query.offset - withKey))))];
}

interface KeyStatements {
  /** The page's runs that have the key, in order. */
  readonly page: IdStatement;
  /** How many runs have the key. */
  readonly count: RawBuilder<{ count: number | string }>;
  /** The runs without the key, in order. */
  missing(limit: number, offset: number): IdStatement;
  /** Whether a filter names the key (then no run without it matches). */
  readonly filtersKey: boolean;
}

function byKeyStatements(dialect: Dialect, query: RunSearchQuery, first: KeyOrder, rest: readonly OrderClause[]): KeyStatements {
  const table = sql.raw(KEYED_TABLES[first.type]);
  const direction = sql.raw(first.ascending ? 'ASC' : 'DESC');
  // A filter on the ordering key itself is a range on the same index, not a probe per run.
  const onKey = query.clauses.find((clause) => clause.type === first.type && clause.key === first.key);
  const keyConditions: RawBuilder<unknown>[] = [sql`o0.key = ${first.key}`];
  if (onKey) keyConditions.push(comparison(dialect, sql`o0.value`, onKey.comparator, onKey.value));
  // Naming both is_nan values lets SQLite seek into the (key, is_nan, value, …) index with a value range;
  // PostgreSQL walks the index in order without it, and with it would read two ranges and sort.
  if (first.type === 'metric' && dialect === 'sqlite') keyConditions.push(sql`o0.is_nan IN (0, 1)`);
  const joins: RawBuilder<unknown>[] = [];
  const later = tieBreakers(rest, joins);
  const leading = first.type === 'metric' ? [sql`o0.is_nan ASC`, sql`o0.value ${direction}`] : [sql`o0.value ${direction}`];
  // CROSS JOIN fixes the loop order in SQLite (the key's index outside); PostgreSQL plans it as any join.
  const present = (columns: RawBuilder<unknown>, tail: RawBuilder<unknown>) => sql`SELECT ${columns} FROM ${table} o0 CROSS JOIN runs r ${sql.join(joins, sql` `)}
    WHERE r.run_id = o0.run_id AND ${sql.join([...keyConditions, ...runConditions(query, dialect, onKey)], sql` AND `)} ${tail}`;
  return {
    page: present(sql`r.run_id`, sql`ORDER BY ${sql.join([...leading, ...later, ...finalTerms(rest, 'o0')])} LIMIT ${query.limit} OFFSET ${query.offset}`) as IdStatement,
    count: present(sql`COUNT(*) AS count`, sql``) as RawBuilder<{ count: number | string }>,
    filtersKey: onKey !== undefined,
    missing: (limit, offset) => {
      const missingJoins: RawBuilder<unknown>[] = [];
      const missingTerms = [...tieBreakers(rest, missingJoins), ...finalTerms(rest)];
      return sql<{ run_id: string }>`SELECT r.run_id FROM runs r ${sql.join(missingJoins, sql` `)}
        WHERE ${sql.join([...runConditions(query, dialect), sql`NOT EXISTS (SELECT 1 FROM ${table} m WHERE m.run_id = r.run_id AND m.key = ${first.key})`], sql` AND `)}
        ORDER BY ${sql.join(missingTerms)} LIMIT ${limit} OFFSET ${offset}`;
    },
  };
}

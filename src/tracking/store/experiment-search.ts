/** Experiment search: attribute and tag clauses, MLflow's default order (newest first). */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../store/index.js';
import { lifecycleStages } from './run-search.js';
import { comparison, type Dialect } from './sql-conditions.js';
import type { SearchQuery } from './tracking-store.js';

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

/** How many active runs each experiment holds: one grouped query over the runs table's experiment index. */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

export async function countActiveRuns(db: Kysely<Database>, experimentIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(experimentIds.map((id) => [id, 0]));
  if (experimentIds.length === 0) return counts;
  const rows = await db
    .selectFrom('runs')
    .select(['experiment_id', (eb) => eb.fn.countAll<number | string | bigint>().as('runs')])
    .where('experiment_id', 'in', [...experimentIds])
    .where('lifecycle_stage', '=', 'active')
    .groupBy('experiment_id')
    .execute();
  for (const row of rows) counts.set(row.experiment_id, Number(row.runs));
  return counts;
}

/**
 * Writes of a run's params, latest metrics and tags. Each row carries the run's start time (it
 * never changes) beside its run id, so that search's index on (key, value) holds the order's
 * tie-breakers; see migration 0008.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../store/index.js';
import type { Metric, Tag } from '../entities.js';
import { chunks, encodeMetricValue } from './rows.js';
import type { ParamConflict } from './tracking-store.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A run's id and start time: params, tags and latest metrics carry both (search orders by them). */
export interface RunKey {
  readonly runId: string;
  readonly startTime: number;
}

export async function runKey(trx: Executor, runId: string): Promise<RunKey> {
  const row = await trx.selectFrom('runs').select('start_time').where('run_id', '=', runId).executeTakeFirst();
  if (!row) throw new Error(`run ${runId} does not exist (the tracking service checks runs before writing to them)`);
  return { runId, startTime: Number(row.start_time) };
}

/** Inserts new params and returns those already logged with another value. */
export async function insertParams(trx: Executor, { runId, startTime }: RunKey, params: readonly { key: string; value: string }[]): Promise<ParamConflict[]> {
  if (params.length === 0) return [];
  const conflicts: ParamConflict[] = [];
  for (const batch of chunks(params)) {
    await trx
      .insertInto('run_params')
      .values(batch.map((param) => ({ run_id: runId, key: param.key, value: param.value, run_start_time: startTime })))
      .onConflict((conflict) => conflict.columns(['run_id', 'key']).doNothing())
      .execute();
    const stored = await trx.selectFrom('run_params').select(['key', 'value']).where('run_id', '=', runId).where('key', 'in', batch.map((param) => param.key)).execute();
    const storedValues = new Map(stored.map((row) => [row.key, row.value]));
    for (const param of batch) {
      const oldValue = storedValues.get(param.key);
      if (oldValue !== undefined && oldValue !== param.value) conflicts.push({ key: param.key, oldValue, newValue: param.value });
    }
  }
  return conflicts;
}

export async function insertMetrics(trx: Executor, { runId, startTime }: RunKey, metrics: readonly Metric[]): Promise<void> {
  if (metrics.length === 0) return;
  const rows = metrics.map((metric) => ({ run_id: runId, key: metric.key, step: metric.step, timestamp: metric.timestamp, ...encodeMetricValue(metric.value) }));
  for (const batch of chunks(rows, 400)) {
    await trx.insertInto('metrics').values(batch).onConflict((conflict) => conflict.doNothing()).execute();
  }
  // One candidate per key (an upsert may not touch a row twice), the greatest (step, timestamp, value).
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const current = latest.get(row.key);
    if (!current || compareLatest(row, current) > 0) latest.set(row.key, row);
  }
  for (const batch of chunks([...latest.values()], 400)) {
    await trx
      .insertInto('latest_metrics')
      .values(batch.map((row) => ({ ...row, run_start_time: startTime })))
      .onConflict((conflict) =>
        conflict
          .columns(['run_id', 'key'])
          .doUpdateSet((update) => ({
            step: update.ref('excluded.step'),
            timestamp: update.ref('excluded.timestamp'),
            value: update.ref('excluded.value'),
            is_nan: update.ref('excluded.is_nan'),
          }))
          .where(sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`),
      )
      .execute();
  }
}

function compareLatest(a: { step: number; timestamp: number; value: number }, b: { step: number; timestamp: number; value: number }): number {
  return a.step - b.step || a.timestamp - b.timestamp || (a.value > b.value ? 1 : a.value < b.value ? -1 : 0);
}

export async function upsertTags(trx: Executor, { runId, startTime }: RunKey, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return;
  // The last value of a key within one batch wins, as in MLflow.
  const unique = [...new Map(tags.map((tag) => [tag.key, tag])).values()];
  for (const batch of chunks(unique)) {
    await trx
      .insertInto('run_tags')
      .values(batch.map((tag) => ({ run_id: runId, key: tag.key, value: tag.value, run_start_time: startTime })))
      .onConflict((conflict) => conflict.columns(['run_id', 'key']).doUpdateSet((update) => ({ value: update.ref('excluded.value') })))
      .execute();
  }
}

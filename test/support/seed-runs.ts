/**
 * Many tracking runs written straight into the store's tables, in bulk: what the search
 * query-plan tests and the tracking bench need (tens of thousands of runs in seconds, which the
 * tracking service, one run at a time, would take minutes to write). The shape is issue 20's:
 * params `algorithm` (3 values) and `C` (4), metrics `roc_auc` and `f1`, tag `team` (3 values);
 * one run in ten is still running (no end time, no metrics yet, no `C`), one in twenty has no
 * team: ordering by a key has runs without it to place last. Deterministic for a given seed.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../src/store/index.js';

export const ALGORITHMS = ['gbdt', 'logistic_regression', 'random_forest'] as const;
export const C_VALUES = ['0.01', '0.1', '1.0', '10.0'] as const;
export const TEAMS = ['risk', 'growth', 'platform'] as const;
const STATUSES = ['FINISHED', 'FAILED', 'KILLED'] as const;
const START = 1_700_000_000_000;

/** A small linear congruential generator: the same runs for the same seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface SeedRun {
  readonly id: string;
  readonly index: number;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly status: string;
  readonly auc: number;
  readonly algorithm: string;
  readonly c: string;
  readonly team: string | undefined;
}

/** Inserts `count` runs into an experiment, then refreshes both planners' statistics. */
export async function seedRuns(db: Kysely<Database>, experimentId: string, count: number, seed = 20): Promise<void> {
  const random = generator(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const chunk = 400;
  // One transaction for every chunk: with a commit per chunk, SQLite spends most of the time
  // checkpointing its write-ahead log (100,000 runs took 46 s on a slow disk, 18 s so).
  await db.transaction().execute(async (trx) => {
    for (let first = 0; first < count; first += chunk) {
      const runs = Array.from({ length: Math.min(chunk, count - first) }, (_, offset): SeedRun => {
        const index = first + offset;
        const running = index % 10 === 9;
        return {
          id: randomUUID().replaceAll('-', ''),
          index,
          startTime: START + index * 1000,
          endTime: running ? null : START + index * 1000 + Math.floor(random() * 100_000),
          status: running ? 'RUNNING' : pick(STATUSES),
          auc: 0.8 + random() * 0.2,
          algorithm: pick(ALGORITHMS),
          c: pick(C_VALUES),
          team: index % 20 === 3 ? undefined : pick(TEAMS),
        };
      });
      await insertRuns(trx, experimentId, runs);
    }
  });
  // Fresh statistics, as a long-lived database would have: both planners choose indexes by them.
  await sql`ANALYZE`.execute(db);
}

async function insertRuns(trx: Transaction<Database>, experimentId: string, runs: readonly SeedRun[]): Promise<void> {
  await trx
    .insertInto('runs')
    .values(runs.map((run) => ({ run_id: run.id, experiment_id: experimentId, run_name: `run-${run.index}`, user_id: 'seed', status: run.status, start_time: run.startTime, end_time: run.endTime, lifecycle_stage: 'active', artifact_uri: `mlflow-artifacts:/${experimentId}/${run.id}/artifacts`, deleted_time: null })))
    .execute();
  await trx
    .insertInto('run_params')
    .values(runs.flatMap((run) => [
      { run_id: run.id, key: 'algorithm', value: run.algorithm, run_start_time: run.startTime },
      ...(run.endTime === null ? [] : [{ run_id: run.id, key: 'C', value: run.c, run_start_time: run.startTime }]),
    ]))
    .execute();
  const points = runs.filter((run) => run.endTime !== null).flatMap((run) => [
    { run_id: run.id, key: 'roc_auc', value: run.auc, step: 0, timestamp: 1, is_nan: 0, run_start_time: run.startTime },
    { run_id: run.id, key: 'f1', value: run.auc - 0.05, step: 0, timestamp: 1, is_nan: 0, run_start_time: run.startTime },
  ]);
  await trx.insertInto('metrics').values(points.map(({ run_start_time: _, ...point }) => point)).execute();
  await trx.insertInto('latest_metrics').values(points).execute();
  await trx.insertInto('run_tags').values(runs.flatMap((run) => (run.team ? [{ run_id: run.id, key: 'team', value: run.team, run_start_time: run.startTime }] : []))).execute();
}

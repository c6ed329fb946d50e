/**
 * The tracking server under load, on SQLite and on PostgreSQL:
 *  - 1,000,000 metric points logged over HTTP with log-batch (1,000 points per request, four
 *    clients at once), against the same points written straight through the tracking service
 *    (the baseline: what HTTP, JSON and validation cost on top of the store);
 *  - run search over 100,000 runs with a metric filter and a metric order, p50/p99 over HTTP,
 *    against the same search written as MLflow's SQL store writes it (one join per clause, the
 *    order as a CASE over a left join), run directly on the same database: the baseline shows
 *    what Sluice's index-driven plan saves, HTTP and JSON included on Sluice's side.
 * Goal: search p50 < 100 ms at 100,000 runs.
 *
 * SLUICE_BENCH_POINTS and SLUICE_BENCH_RUNS shrink the workload for a quick look.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { startServer } from '../src/http/index.js';
import type { Database } from '../src/store/index.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../src/workspace/index.js';
import { createTestSchema } from '../test/support/postgres.js';
import { envInteger, formatRatio, printTable, reportGoal, withTempDir } from './support.js';

const POINTS = envInteger('SLUICE_BENCH_POINTS', 1_000_000);
const RUNS = envInteger('SLUICE_BENCH_RUNS', 100_000);
const BATCH = 1000;
const CLIENTS = 4;
const SEARCHES = 60;
const ALGORITHMS = ['gbdt', 'logistic_regression', 'random_forest'] as const;
const C_VALUES = ['0.01', '0.1', '1.0', '10.0'] as const;
const TEAMS = ['risk', 'growth', 'platform'] as const;

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function post(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Logs `POINTS` points to one run over HTTP; returns seconds and per-request latencies. */
async function logOverHttp(url: string, runId: string): Promise<{ seconds: number; latencies: number[] }> {
  const requests = Math.ceil(POINTS / BATCH);
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < requests) {
        const request = next++;
        const metrics = Array.from({ length: BATCH }, (_, index) => ({ key: `m${index % 10}`, value: Math.random(), timestamp: 1_700_000_000_000 + request, step: request * 100 + Math.floor(index / 10) }));
        const sent = performance.now();
        await post(url, '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, latencies };
}

/** The same points through the tracking service, no HTTP. */
async function logDirect(services: WorkspaceServices, runId: string): Promise<number> {
  const start = performance.now();
  for (let request = 0; request < Math.ceil(POINTS / BATCH); request += 1) {
    const metrics = Array.from({ length: BATCH }, (_, index) => ({ key: `m${index % 10}`, value: Math.random(), timestamp: 1_700_000_000_000 + request, step: request * 100 + Math.floor(index / 10) }));
    await services.tracking.logBatch(runId, { metrics });
  }
  return (performance.now() - start) / 1000;
}

/** Inserts `RUNS` finished runs with three params, three metrics and a tag each, in bulk. */
async function generateRuns(db: Kysely<Database>, experimentId: string): Promise<void> {
  const chunk = 400;
  for (let first = 0; first < RUNS; first += chunk) {
    const runs = Array.from({ length: Math.min(chunk, RUNS - first) }, (_, offset) => {
      const index = first + offset;
      return { id: randomUUID().replaceAll('-', ''), index, startTime: 1_700_000_000_000 + index, auc: 0.8 + Math.random() * 0.2, algorithm: ALGORITHMS[index % 3]!, c: C_VALUES[Math.floor(Math.random() * C_VALUES.length)]!, team: TEAMS[Math.floor(Math.random() * TEAMS.length)]! };
    });
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('runs')
        .values(runs.map((run) => ({ run_id: run.id, experiment_id: experimentId, run_name: `run-${run.index}`, user_id: 'bench', status: 'FINISHED', start_time: run.startTime, end_time: run.startTime + 100, lifecycle_stage: 'active', artifact_uri: `mlflow-artifacts:/${experimentId}/${run.id}/artifacts`, deleted_time: null })))
        .execute();
      await trx
        .insertInto('run_params')
        .values(runs.flatMap((run) => [
          { run_id: run.id, key: 'algorithm', value: run.algorithm, run_start_time: run.startTime },
          { run_id: run.id, key: 'C', value: run.c, run_start_time: run.startTime },
        ]))
        .execute();
      const metricRows = runs.flatMap((run) => [
        { run_id: run.id, key: 'roc_auc', value: run.auc, step: 0, timestamp: 1, is_nan: 0 },
        { run_id: run.id, key: 'f1', value: run.auc - 0.05, step: 0, timestamp: 1, is_nan: 0 },
      ]);
      await trx.insertInto('metrics').values(metricRows).execute();
      await trx.insertInto('latest_metrics').values(metricRows.map((row, index) => ({ ...row, run_start_time: runs[Math.floor(index / 2)]!.startTime }))).execute();
      await trx.insertInto('run_tags').values(runs.map((run) => ({ run_id: run.id, key: 'team', value: run.team, run_start_time: run.startTime }))).execute();
    });
  }
  // Fresh statistics, as a long-lived database would have: both planners choose indexes by them.
  await sql`ANALYZE`.execute(db);
}

interface SearchCase {
  readonly name: string;
  readonly body: Record<string, unknown>;
}

async function timeSearches(url: string, experimentId: string, searchCase: SearchCase): Promise<{ latencies: number[]; count: number }> {
  const latencies: number[] = [];
  let count = 0;
  for (let attempt = 0; attempt < SEARCHES + 3; attempt += 1) {
    const start = performance.now();
    const result = (await post(url, '/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId], ...searchCase.body })) as { runs?: unknown[] };
    if (attempt >= 3) latencies.push(performance.now() - start); // the first few warm caches
    count = result.runs?.length ?? 0;
  }
  return { latencies, count };
}

/** The first search in the shape MLflow's SQLAlchemy store gives it (ids only), run directly. */
async function timeRawQuery(db: Kysely<Database>, experimentId: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let attempt = 0; attempt < SEARCHES + 3; attempt += 1) {
    const start = performance.now();
    await sql`SELECT r.run_id FROM runs r
      JOIN latest_metrics f0 ON f0.run_id = r.run_id AND f0.key = 'roc_auc'
      JOIN run_params f1 ON f1.run_id = r.run_id AND f1.key = 'algorithm'
      LEFT JOIN latest_metrics o0 ON o0.run_id = r.run_id AND o0.key = 'roc_auc'
      WHERE r.experiment_id IN (${experimentId}) AND r.lifecycle_stage IN ('active') AND f0.value > 0.95 AND f1.value = 'gbdt'
      ORDER BY CASE WHEN o0.run_id IS NULL THEN 2 WHEN o0.is_nan = 1 THEN 1 ELSE 0 END, o0.value DESC, r.start_time DESC, r.run_id ASC
      LIMIT 101`.execute(db);
    if (attempt >= 3) latencies.push(performance.now() - start);
  }
  return latencies;
}

async function benchBackend(name: string, env: NodeJS.ProcessEnv): Promise<{ rows: string[][]; searchP50: number }> {
  return withTempDir(`sluice-bench-tracking-${name}-`, async (dir) => {
    mkdirSync(join(dir, '.sluice'));
    const services = await openWorkspaceServices(openWorkspace(dir, env));
    const { app, url } = await startServer({ services, host: '127.0.0.1', port: 0, version: 'bench', logger: false });
    try {
      const rows: string[][] = [];
      const experiment = await services.tracking.createExperiment({ name: 'bench' });
      const httpRun = await services.tracking.createRun({ experimentId: experiment.experimentId, runName: 'http' });
      const directRun = await services.tracking.createRun({ experimentId: experiment.experimentId, runName: 'direct' });
      process.stdout.write(`[${name}] logging ${POINTS.toLocaleString('en')} points over HTTP…\n`);
      const http = await logOverHttp(url, httpRun.info.runId);
      process.stdout.write(`[${name}] the same points straight to the store…\n`);
      const direct = await logDirect(services, directRun.info.runId);
      rows.push([name, 'log-batch over HTTP (4 clients)', `${Math.round(POINTS / http.seconds).toLocaleString('en')} points/s`, `${http.seconds.toFixed(1)} s`, ms(percentile(http.latencies, 0.5)), ms(percentile(http.latencies, 0.99)), `${formatRatio(http.seconds / direct)} of direct`]);
      rows.push([name, 'baseline: tracking service, no HTTP', `${Math.round(POINTS / direct).toLocaleString('en')} points/s`, `${direct.toFixed(1)} s`, '', '', '']);

      process.stdout.write(`[${name}] generating ${RUNS.toLocaleString('en')} runs…\n`);
      const searchExperiment = await services.tracking.createExperiment({ name: 'search' });
      await generateRuns(services.store.connection.db, searchExperiment.experimentId);
      const cases: SearchCase[] = [
        { name: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt', order by roc_auc, 100 per page", body: { filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt'", order_by: ['metrics.roc_auc DESC'], max_results: 100 } },
        { name: 'the same, 1,000 per page (the client default)', body: { filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt'", order_by: ['metrics.roc_auc DESC'], max_results: 1000 } },
        { name: "tags.team = 'risk', newest first, 100 per page", body: { filter: "tags.team = 'risk'", max_results: 100 } },
      ];
      let searchP50 = 0;
      for (const [index, searchCase] of cases.entries()) {
        const { latencies, count } = await timeSearches(url, searchExperiment.experimentId, searchCase);
        if (index === 0) searchP50 = percentile(latencies, 0.5);
        rows.push([name, `search ${RUNS.toLocaleString('en')} runs: ${searchCase.name} (${count} returned)`, '', '', ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), '']);
      }
      const raw = await timeRawQuery(services.store.connection.db, searchExperiment.experimentId);
      rows.push([name, "baseline: the first search as MLflow's SQL store queries it (ids only, no HTTP)", '', '', ms(percentile(raw, 0.5)), ms(percentile(raw, 0.99)), `Sluice ${formatRatio(percentile(raw, 0.5) / searchP50)} faster`]);
      return { rows, searchP50 };
    } finally {
      await app.close();
      await services.close();
    }
  });
}

const results: string[][] = [];
let worstP50 = 0;
const sqlite = await benchBackend('SQLite', {});
results.push(...sqlite.rows);
worstP50 = Math.max(worstP50, sqlite.searchP50);
const schema = await createTestSchema();
try {
  const postgres = await benchBackend('PostgreSQL', { SLUICE_DATABASE_URL: schema.url });
  results.push(...postgres.rows);
  worstP50 = Math.max(worstP50, postgres.searchP50);
} finally {
  await schema.drop();
}
process.stdout.write('\n');
printTable(['Store', 'Measure', 'Throughput', 'Total', 'p50', 'p99', 'Ratio'], results);
reportGoal(`search p50 < 100 ms at ${RUNS.toLocaleString('en')} runs (filter on a metric and a param, ordered by the metric; both stores)`, worstP50 < 100);

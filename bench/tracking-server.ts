/**
 * The tracking server under load, on SQLite and on PostgreSQL:
 *  - 1,000,000 metric points logged over HTTP with log-batch (1,000 points per request, four
 *    clients at once), against the same points written straight through the tracking service
 *    (the baseline: what HTTP, JSON and validation cost on top of the store);
 *  - run search over 100,000 runs (issue 20's shape: params algorithm and C, metrics roc_auc and
 *    f1, tag team), p50/p99 over HTTP: a metric and a param filter ordered by the metric (100
 *    and 1,000 per page), a tag filter newest first, an order by a tag and by a param; against
 *    the first written as MLflow's SQL store writes it (one join per clause, the order as a CASE
 *    over a left join), and two of them as Sluice wrote them before issue 20, each run directly
 *    on the same database (ids only). MLflow itself is not installable here; issue 20 has its
 *    figures on the same data.
 *  - `sluice run` of the example pipeline recording to a team server vs the checkout's own
 *    database (issue 17's remote-client row; remote-client-run.ts).
 * Goals: the first search p50 < 100 ms; every search at 100 per page p50 < 30 ms on SQLite and
 * < 60 ms on PostgreSQL (issue 20's acceptance).
 *
 * SLUICE_BENCH_POINTS and SLUICE_BENCH_RUNS shrink the workload for a quick look.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { startServer } from '../src/http/index.js';
import type { Database } from '../src/store/index.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../src/workspace/index.js';
import { createTestSchema } from '../test/support/postgres.js';
import { seedRuns } from '../test/support/seed-runs.js';
import { remoteClientRows } from './remote-client-run.js';
import { envInteger, formatRatio, printTable, reportGoal, withTempDir } from './support.js';

const POINTS = envInteger('SLUICE_BENCH_POINTS', 1_000_000);
const RUNS = envInteger('SLUICE_BENCH_RUNS', 100_000);
const BATCH = 1000;
const CLIENTS = 4;
const SEARCHES = 60;
/** Issue 20's acceptance bounds, p50 at 100 per page on 100,000 runs. */
const SQLITE_BOUND = 30;
const POSTGRES_BOUND = 60;

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

interface SearchCase {
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** Counted against the acceptance bound (100 per page). */
  readonly bounded: boolean;
}

/** Issue 20's searches, then ordering by a tag and by a param (each with many ties). */
const CASES: readonly SearchCase[] = [
  { name: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt', order by roc_auc DESC, 100 per page", body: { filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt'", order_by: ['metrics.roc_auc DESC'], max_results: 100 }, bounded: true },
  { name: 'the same, 1,000 per page (the client default)', body: { filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt'", order_by: ['metrics.roc_auc DESC'], max_results: 1000 }, bounded: false },
  { name: "tags.team = 'risk', order by start_time DESC, 100 per page", body: { filter: "tags.team = 'risk'", order_by: ['attributes.start_time DESC'], max_results: 100 }, bounded: true },
  { name: 'order by tags.team ASC, 100 per page', body: { order_by: ['tags.team ASC'], max_results: 100 }, bounded: true },
  { name: "params.algorithm = 'gbdt', order by params.C DESC, 100 per page", body: { filter: "params.algorithm = 'gbdt'", order_by: ['params.C DESC'], max_results: 100 }, bounded: true },
];

/**
 * Statements as they were before issue 20 (ids only, no HTTP), on the same database: the NULL
 * term on a NOT NULL start time, and ties on a tag broken by the runs table's start time.
 */
const BEFORE: readonly { name: string; statement: (experimentId: string) => RawBuilder<unknown> }[] = [
  {
    name: "tags.team = 'risk', order by start_time DESC",
    statement: (experimentId) => sql`SELECT r.run_id FROM runs r WHERE r.experiment_id IN (${experimentId}) AND r.lifecycle_stage IN ('active')
      AND EXISTS (SELECT 1 FROM run_tags f WHERE f.run_id = r.run_id AND f.key = 'team' AND f.value = 'risk')
      ORDER BY CASE WHEN r.start_time IS NULL THEN 1 ELSE 0 END, r.start_time DESC, r.run_id ASC LIMIT 101`,
  },
  {
    name: 'order by tags.team ASC',
    statement: (experimentId) => sql`SELECT r.run_id FROM run_tags o0 CROSS JOIN runs r WHERE r.run_id = o0.run_id AND o0.key = 'team'
      AND r.experiment_id IN (${experimentId}) AND r.lifecycle_stage IN ('active')
      ORDER BY o0.value ASC, r.start_time DESC, r.run_id ASC LIMIT 101`,
  },
];

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

/** The first search in the shape MLflow's SQLAlchemy store gives it (ids only). */
function mlflowShapedQuery(experimentId: string): RawBuilder<unknown> {
  return sql`SELECT r.run_id FROM runs r
      JOIN latest_metrics f0 ON f0.run_id = r.run_id AND f0.key = 'roc_auc'
      JOIN run_params f1 ON f1.run_id = r.run_id AND f1.key = 'algorithm'
      LEFT JOIN latest_metrics o0 ON o0.run_id = r.run_id AND o0.key = 'roc_auc'
      WHERE r.experiment_id IN (${experimentId}) AND r.lifecycle_stage IN ('active') AND f0.value > 0.95 AND f1.value = 'gbdt'
      ORDER BY CASE WHEN o0.run_id IS NULL THEN 2 WHEN o0.is_nan = 1 THEN 1 ELSE 0 END, o0.value DESC, r.start_time DESC, r.run_id ASC
      LIMIT 101`;
}

/** A statement run directly, `SEARCHES` times after a warm-up. */
async function timeRawQuery(db: Kysely<Database>, statement: RawBuilder<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let attempt = 0; attempt < SEARCHES + 3; attempt += 1) {
    const start = performance.now();
    await statement.execute(db);
    if (attempt >= 3) latencies.push(performance.now() - start);
  }
  return latencies;
}

async function benchBackend(name: string, env: NodeJS.ProcessEnv): Promise<{ rows: string[][]; searchP50: number; worstBoundedP50: number }> {
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
      const db = services.store.connection.db;
      await seedRuns(db, searchExperiment.experimentId, RUNS);
      let searchP50 = 0;
      let worstBoundedP50 = 0;
      for (const [index, searchCase] of CASES.entries()) {
        const { latencies, count } = await timeSearches(url, searchExperiment.experimentId, searchCase);
        const p50 = percentile(latencies, 0.5);
        if (index === 0) searchP50 = p50;
        if (searchCase.bounded) worstBoundedP50 = Math.max(worstBoundedP50, p50);
        rows.push([name, `search ${RUNS.toLocaleString('en')} runs: ${searchCase.name} (${count} returned)`, '', '', ms(p50), ms(percentile(latencies, 0.99)), searchCase.bounded ? `bound ${name === 'SQLite' ? SQLITE_BOUND : POSTGRES_BOUND} ms` : '']);
      }
      const raw = await timeRawQuery(db, mlflowShapedQuery(searchExperiment.experimentId));
      rows.push([name, "baseline: the first search as MLflow's SQL store queries it (ids only, no HTTP)", '', '', ms(percentile(raw, 0.5)), ms(percentile(raw, 0.99)), `Sluice ${formatRatio(percentile(raw, 0.5) / searchP50)} faster`]);
      for (const before of BEFORE) {
        const latencies = await timeRawQuery(db, before.statement(searchExperiment.experimentId));
        rows.push([name, `before issue 20: ${before.name} (the old statement, ids only, no HTTP)`, '', '', ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), '']);
      }
      return { rows, searchP50, worstBoundedP50 };
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
let postgresBoundedP50 = Number.POSITIVE_INFINITY;
const schema = await createTestSchema();
try {
  const postgres = await benchBackend('PostgreSQL', { SLUICE_DATABASE_URL: schema.url });
  results.push(...postgres.rows);
  worstP50 = Math.max(worstP50, postgres.searchP50);
  postgresBoundedP50 = postgres.worstBoundedP50;
} finally {
  await schema.drop();
}
results.push(...(await remoteClientRows()));
process.stdout.write('\n');
printTable(['Store', 'Measure', 'Throughput', 'Total', 'p50', 'p99', 'Ratio'], results);
reportGoal(`search p50 < 100 ms at ${RUNS.toLocaleString('en')} runs (filter on a metric and a param, ordered by the metric; both stores)`, worstP50 < 100);
reportGoal(`every search at 100 per page: p50 < ${SQLITE_BOUND} ms on SQLite (worst ${ms(sqlite.worstBoundedP50)}), < ${POSTGRES_BOUND} ms on PostgreSQL (worst ${ms(postgresBoundedP50)}) (issue 20)`, sqlite.worstBoundedP50 < SQLITE_BOUND && postgresBoundedP50 < POSTGRES_BOUND);

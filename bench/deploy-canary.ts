/**
 * `sluice serve --env` during a 50/50 canary against `sluice serve` of one model, in the same run
 * (issue 14's benchmark): single-row /predict requests under wrk at 8 connections, requests/s and
 * p50/p99, both at their default flags (one worker, prediction log and access log on). The canary's
 * two versions are the same file registered twice, so the difference is the environment's own
 * cost (routing, version marking, the live window), not a second model's. Runs alternate
 * baseline/environment ROUNDS times; the table shows medians, the goal the median of the rounds'
 * ratios.
 *
 * Then: the time from a failing metric to the canary at weight 0. A canary of the weak model under
 * a `feedback` accuracy analysis (interval 1 s, minSamples 30); the clock starts when the 30th
 * labelled answer of the candidate is posted (from then the metric fails when measured) and stops
 * when `GET /environment` shows the candidate gone. Goal: one interval + < 1 s.
 *
 * Run: `npm run bench:deploy` (BENCH_SECONDS: each wrk run's length; BENCH_ROUNDS: alternations, default 5).
 * Needs Debian's wrk.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInteger, initGitRepo, median, printTable, reportGoal, REPO_ROOT, SLUICE_BIN, withTempDir } from './support.js';

const SECONDS = envInteger('BENCH_SECONDS', 6);
const ROUNDS = envInteger('BENCH_ROUNDS', 5);
const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer');
const ENV_PORT = 18781;
const BASE_PORT = 18782;
const ROLLBACK_PORT = 18783;
const INTERVAL_MS = 1000;
const MIN_SAMPLES = 30;

const SLUICE_YAML = `stages: {}
deploy:
  production:
    model: bc
    port: ${ENV_PORT}
    strategy:
      canary:
        steps:
          - setWeight: 50
          - pause: {}
  staging:
    model: bc
    port: ${ROLLBACK_PORT}
    strategy:
      canary:
        steps:
          - setWeight: 50
          - pause: {}
        analysis:
          metrics:
            - name: live-accuracy
              interval: 1s
              successCondition: result >= 0.9
              provider:
                feedback: {metric: accuracy, minSamples: ${MIN_SAMPLES}}
`;

interface Figures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const testCsv = readFileSync(join(FIXTURES, 'test.csv'), 'utf8').trim().split('\n');
const columns = testCsv[0]!.split(',');
const rows = testCsv.slice(1).map((line) => {
  const values = line.split(',').map(Number);
  return { features: Object.fromEntries(columns.map((name, c) => [name, values[c]!]).filter(([name]) => name !== 'target')), label: values[columns.indexOf('target')]! };
});

function sluice(cwd: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [SLUICE_BIN, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sluice ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function milliseconds(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

function runWrk(dir: string, url: string): Figures {
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = '${JSON.stringify({ rows: [rows[0]!.features] })}'\nwrk.headers["Content-Type"] = "application/json"\n`);
  const result = spawnSync('wrk', ['-t1', '-c8', `-d${SECONDS}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
  if (/Non-2xx or 3xx responses: (\d+)/.test(result.stdout)) throw new Error(`${url} answered errors under load:\n${result.stdout}`);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(result.stdout)?.[1]),
    p50Ms: milliseconds(/\s50%\s+(\S+)/.exec(result.stdout)?.[1] ?? ''),
    p99Ms: milliseconds(/\s99%\s+(\S+)/.exec(result.stdout)?.[1] ?? ''),
  };
}

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function environment(port: number): Promise<{ candidateVersion?: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/environment`)).json()) as { candidateVersion?: number };
}

function start(dir: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [SLUICE_BIN, 'serve', ...args], { cwd: dir, stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** Single-row requests with labels posted as answers arrive, until the candidate is gone; ms from the failing metric's data to weight 0. */
async function timeToRollback(port: number): Promise<number> {
  const url = `http://127.0.0.1:${port}`;
  let labelled = 0;
  let failingAt: number | undefined;
  let rolledBackAt: number | undefined;
  const deadline = Date.now() + 60_000;
  const watcher = (async () => {
    while (rolledBackAt === undefined && Date.now() < deadline) {
      if (failingAt !== undefined && (await environment(port)).candidateVersion === undefined) rolledBackAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  let i = 0;
  while (rolledBackAt === undefined && Date.now() < deadline) {
    const row = rows[i++ % rows.length]!;
    const response = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [row.features] }) });
    const body = (await response.json()) as { request_id: string };
    await fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: body.request_id, label: row.label }) });
    if (response.headers.get('x-sluice-model-version') === '2' && ++labelled === MIN_SAMPLES) failingAt = Date.now();
  }
  await watcher;
  if (failingAt === undefined || rolledBackAt === undefined) throw new Error('the canary was not rolled back within 60 s');
  return rolledBackAt - failingAt;
}

await withTempDir('sluice-bench-deploy-', async (dir) => {
  if (spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error !== undefined) {
    console.log('wrk is not installed (apt-get install wrk): nothing measured.');
    return;
  }
  initGitRepo(dir);
  writeFileSync(join(dir, 'sluice.yaml'), SLUICE_YAML);
  sluice(dir, 'init');
  const models = join(FIXTURES, 'models');
  sluice(dir, 'models', 'register', join(models, 'bc_logreg.onnx'), '--name', 'bc', '--alias', 'production');
  sluice(dir, 'models', 'register', join(models, 'bc_weak_logreg3.onnx'), '--name', 'bc');
  sluice(dir, 'models', 'register', join(models, 'bc_logreg.onnx'), '--name', 'bc');
  sluice(dir, 'models', 'alias', 'bc', 'staging', '1');

  console.log(`Environment serving: ${SECONDS} s wrk runs (1 thread, 8 connections, single-row /predict), ${ROUNDS} alternating rounds.\n`);
  const summary = (runs: Figures[]): Figures => ({ requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)), p50Ms: median(runs.map((run) => run.p50Ms)), p99Ms: median(runs.map((run) => run.p99Ms)) });
  const cell = (figures: Figures) => [figures.requestsPerSecond.toFixed(0), `${figures.p50Ms.toFixed(3)} ms`, `${figures.p99Ms.toFixed(3)} ms`];
  // First the defaults: an environment serves on one process unless told otherwise, so the
  // baseline is `sluice serve` on one process too (plain serve's own default is one per core).
  // Then, labelled, both on two workers.
  const pairs = [
    { label: 'defaults (environment: 1 process; baseline: --workers 1)', environment: [] as string[], baseline: ['--workers', '1'] },
    { label: 'tuned: --workers 2 each', environment: ['--workers', '2'], baseline: ['--workers', '2'] },
  ];
  const rows: string[][] = [];
  let goal: { loss: number; addedP50: number } | undefined;
  for (const pair of pairs) {
    const baseline: Figures[] = [];
    const canary: Figures[] = [];
    const environmentServer = start(dir, ['--env', 'production', ...pair.environment]);
    const single = start(dir, ['models:/bc/1', '--port', String(BASE_PORT), ...pair.baseline]);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${BASE_PORT}/v2/health/ready`)).ok ? true : undefined), 'sluice serve');
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${ENV_PORT}/v2/health/ready`)).ok ? true : undefined), 'sluice serve --env');
      if ((await environment(ENV_PORT)).candidateVersion !== 3) sluice(dir, 'deploy', 'models:/bc/3', '--env', 'production');
      await waitFor(async () => ((await environment(ENV_PORT)).candidateVersion === 3 ? true : undefined), 'the 50/50 canary');
      for (let round = 0; round < ROUNDS; round++) {
        baseline.push(runWrk(dir, `http://127.0.0.1:${BASE_PORT}/predict`));
        canary.push(runWrk(dir, `http://127.0.0.1:${ENV_PORT}/predict`));
      }
    } finally {
      await stop(environmentServer);
      await stop(single);
    }
    const ours = summary(canary);
    const theirs = summary(baseline);
    rows.push([`sluice serve --env, 50/50 canary, ${pair.label}`, ...cell(ours)], [`sluice serve, one model (baseline), ${pair.label}`, ...cell(theirs)]);
    // Each round's ratio is measured seconds apart on the same machine; their median is steadier than a ratio of medians.
    const loss = 1 - median(canary.map((run, k) => run.requestsPerSecond / baseline[k]!.requestsPerSecond));
    console.log(`${pair.label}: per round (environment / baseline req/s) ${canary.map((run, k) => `${run.requestsPerSecond.toFixed(0)}/${baseline[k]!.requestsPerSecond.toFixed(0)}`).join(', ')}; loss ${(loss * 100).toFixed(1)} % (median of the rounds' ratios)`);
    goal ??= { loss, addedP50: ours.p50Ms - theirs.p50Ms };
  }
  console.log('');
  printTable(['Server', 'Requests/s', 'p50', 'p99'], rows);
  console.log('');
  reportGoal(`at the defaults, ≤ 10 % requests/s loss (${(goal!.loss * 100).toFixed(1)} %) and ≤ 0.2 ms added p50 (${goal!.addedP50.toFixed(3)} ms) during a 50/50 canary`, goal!.loss <= 0.1 && goal!.addedP50 <= 0.2);

  const rollbacks: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const staging = start(dir, ['--env', 'staging']);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${ROLLBACK_PORT}/v2/health/ready`)).ok ? true : undefined), 'sluice serve --env staging');
      sluice(dir, 'deploy', 'models:/bc/2', '--env', 'staging', '--force');
      await waitFor(async () => ((await environment(ROLLBACK_PORT)).candidateVersion === 2 ? true : undefined), 'the weak canary');
      rollbacks.push(await timeToRollback(ROLLBACK_PORT));
    } finally {
      await stop(staging);
    }
    // Back to v1 for the next round (the rollback left it stable already).
  }
  const typical = median(rollbacks);
  console.log(`\nFrom a failing feedback metric (the ${MIN_SAMPLES}th labelled candidate answer) to the canary at weight 0: ${rollbacks.map((ms) => `${ms} ms`).join(', ')} (median ${typical} ms; interval ${INTERVAL_MS} ms).`);
  reportGoal(`failing metric to weight 0 within one interval + < 1 s (median ${typical} ms)`, typical < INTERVAL_MS + 1000);
});

/**
 * `bench:distributed`: 200 independent 1-second stages run with `sluice run --executor queue` on
 * 1, 2 and 4 local `sluice worker` processes (concurrency 1, each in its own clone), against the
 * ideal makespan (stages × seconds / workers), and the baseline in the same run: the same stages
 * one after another, as `dvc exp run --queue` with its one default worker runs queued work
 * (reproduced serially: `sluice run --jobs 1` in a clone).
 *
 * Goal (issue 17): within 10 % of the ideal at 4 workers, queue overhead per stage under 20 ms
 * (the makespan above the ideal, times the workers, over the stages). The same commands run 4 at
 * a time with no Sluice give the floor under that figure on the machine at hand.
 *
 * Run: `npm run bench:distributed` (about 10 minutes at the defaults); BENCH_STAGES,
 * BENCH_STAGE_MS and BENCH_WORKERS (e.g. `1,2,4`) change the sizes. Needs Redis at 127.0.0.1:6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queueNameFor } from '../src/distributed/index.js';
import { envInteger, formatSeconds, git, initGitRepo, printTable, reportGoal, REPO_ROOT, SLUICE_BIN, timeSluice, withTempDir } from './support.js';

const STAGES = envInteger('BENCH_STAGES', 200);
const STAGE_MS = envInteger('BENCH_STAGE_MS', 1000);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
/** The version whose queue the stages go to (see routing.ts). */
const SLUICE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function pipelineYaml(): string {
  const lines = ['stages:'];
  const seconds = (STAGE_MS / 1000).toFixed(3);
  for (let index = 0; index < STAGES; index++) {
    lines.push(`  s${index}:`, `    cmd: sleep ${seconds} && echo ${index} > out/s${index}.txt`, '    deps: [in.txt]', `    outs: [out/s${index}.txt]`);
  }
  return `${lines.join('\n')}\n`;
}

/** A project whose committed config puts the cache in `cacheDir` (fresh per measurement: nothing is restored). */
function makeOrigin(dir: string, cacheDir: string): string {
  const origin = join(dir, 'origin');
  mkdirSync(join(origin, '.sluice'), { recursive: true });
  writeFileSync(join(origin, 'sluice.yaml'), pipelineYaml());
  writeFileSync(join(origin, 'in.txt'), 'input\n');
  writeFileSync(join(origin, '.sluice', 'config.yaml'), `cache:\n  dir: ${cacheDir}\n`);
  writeFileSync(join(origin, '.gitignore'), '/.sluice/tmp/\n/.sluice/logs/\n/.sluice/sluice.db*\n/out/\n');
  initGitRepo(origin);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'pipeline');
  return origin;
}

function clone(origin: string, path: string): string {
  git(join(origin, '..'), 'clone', '-q', origin, path);
  return path;
}

async function waitForWorkers(redis: Redis, prefix: string, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const present = await Promise.all(names.map((name) => redis.exists(`${prefix}:sluice:worker:${name}`)));
    if (present.every((value) => value === 1)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workers ${names.join(', ')} did not connect within 30 s`);
}

async function removePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * What one stage's command costs beyond its sleep on this machine, with no Sluice at all: the
 * median wall time of spawning it from Node with the sleep at zero (fork, `sh`, `sleep`, exit).
 * Part of every stage's overhead below, whoever runs the command.
 */
async function commandFloorMs(dir: string): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < 21; index++) {
    const started = performance.now();
    const child = spawn('/bin/sh', ['-c', `sleep 0.000 && echo ${index} > floor.txt`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise((resolve) => child.once('close', resolve));
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[10]!;
}

/**
 * The floor under any executor: the same commands with no Sluice at all, `count` at a time from
 * one Node process, each loop starting its next command as soon as the last one exits. Its
 * overhead per stage (computed as the queue's is) is what starting the commands costs on this
 * machine when `count` of them end and start together; at most 20 stages a loop, for time.
 */
async function commandLoopsOverheadMs(dir: string, count: number): Promise<number> {
  const perLoop = Math.min(20, Math.ceil(STAGES / count));
  const seconds = (STAGE_MS / 1000).toFixed(3);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, loop) => {
      for (let index = 0; index < perLoop; index++) {
        const child = spawn('/bin/sh', ['-c', `sleep ${seconds} && echo ${index} > loop${loop}.txt`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        await new Promise((resolve) => child.once('close', resolve));
      }
    }),
  );
  const makespanMs = performance.now() - started;
  return (makespanMs - perLoop * STAGE_MS) / perLoop;
}

/** One queued run: its makespan, and where its time above the stages' own went. */
interface QueuedRun {
  readonly seconds: number;
  /** From `sluice run` starting to the first stage taken by a worker (Node's start, loading the pipeline, connecting, enqueueing). */
  readonly startSeconds: number;
  /** From the last stage's end to the command's exit (the last answer, recording the run). */
  readonly endSeconds: number;
  /** From the first stage taken to the last one's end. */
  readonly stagesSeconds: number;
}

/** The pipeline on `count` workers, timed whole and, from the jobs' own times in BullMQ, in its parts. */
async function queuedRun(dir: string, count: number, redis: Redis): Promise<QueuedRun> {
  const root = join(dir, `workers-${count}`);
  mkdirSync(root);
  const origin = makeOrigin(root, join(root, 'shared-cache'));
  const prefix = `sluice-bench-${randomUUID().slice(0, 8)}`;
  const url = `redis://127.0.0.1:6379?prefix=${prefix}`;
  const names = Array.from({ length: count }, (_, index) => `w${index + 1}`);
  const workers: ChildProcess[] = names.map((name) =>
    spawn(process.execPath, [SLUICE_BIN, 'worker', '--queue', url, '--name', name], { cwd: clone(origin, join(root, name)), stdio: 'ignore' }),
  );
  try {
    await waitForWorkers(redis, prefix, names);
    const submitter = clone(origin, join(root, 'submitter'));
    const startedAt = Date.now();
    const { seconds } = timeSluice(submitter, ['run', '--executor', 'queue', '--queue', url]);
    const endedAt = Date.now();
    // The jobs are kept an hour after they complete (see queue-executor.ts), with their workers' times.
    const queue = new Queue(queueNameFor(SLUICE_VERSION, []), { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      const jobs = await queue.getJobs(['completed'], 0, -1);
      if (jobs.length === 0) throw new Error(`no completed job is left on ${queue.name}: the run's split cannot be read`);
      const first = Math.min(...jobs.map((job) => job.processedOn ?? Number.POSITIVE_INFINITY));
      const last = Math.max(...jobs.map((job) => job.finishedOn ?? Number.NEGATIVE_INFINITY));
      return { seconds, startSeconds: (first - startedAt) / 1000, endSeconds: (endedAt - last) / 1000, stagesSeconds: (last - first) / 1000 };
    } finally {
      await queue.close();
    }
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve(undefined) : worker.once('exit', resolve)))));
    await removePrefix(redis, prefix);
  }
}

await withTempDir('sluice-bench-distributed-', async (dir) => {
  console.log(`${STAGES} independent stages of ${STAGE_MS} ms each; sluice run --executor queue on ${WORKER_COUNTS.join(', ')} local workers (concurrency 1), and serially.\n`);
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  try {
    const stageSeconds = STAGE_MS / 1000;
    const rows: string[][] = [];
    let atFour: { ratio: number; overheadMs: number; run: QueuedRun } | undefined;

    const serialRoot = join(dir, 'serial');
    mkdirSync(serialRoot);
    const serial = timeSluice(clone(makeOrigin(serialRoot, join(serialRoot, 'cache')), join(serialRoot, 'clone')), ['run', '--jobs', '1']).seconds;
    const serialIdeal = STAGES * stageSeconds;
    rows.push(['serial baseline (dvc exp run --queue, 1 worker)', formatSeconds(serial), formatSeconds(serialIdeal), `${((serial / serialIdeal - 1) * 100).toFixed(1)} %`, `${(((serial - serialIdeal) / STAGES) * 1000).toFixed(1)} ms`]);

    for (const count of WORKER_COUNTS) {
      const run = await queuedRun(dir, count, redis);
      const makespan = run.seconds;
      const ideal = (STAGES * stageSeconds) / count;
      const overheadMs = (((makespan - ideal) * count) / STAGES) * 1000;
      rows.push([`queue, ${count} worker${count === 1 ? '' : 's'}`, formatSeconds(makespan), formatSeconds(ideal), `${((makespan / ideal - 1) * 100).toFixed(1)} %`, `${overheadMs.toFixed(1)} ms`]);
      if (count === 4) atFour = { ratio: makespan / ideal, overheadMs, run };
    }
    const loopsAtFour = WORKER_COUNTS.includes(4) ? await commandLoopsOverheadMs(dir, 4) : undefined;
    if (loopsAtFour !== undefined) rows.push(['the commands alone, no Sluice, 4 at a time', '', '', '', `${loopsAtFour.toFixed(1)} ms`]);
    printTable(['Executor', 'Makespan', 'Ideal', 'Over ideal', 'Overhead per stage'], rows);
    console.log('\nMakespan is the wall time of `sluice run` (Node start, loading the pipeline, recording the run included).');
    const floor = await commandFloorMs(dir);
    console.log(`On this machine the stage's command alone (spawned from Node, sleep 0) takes ${floor.toFixed(1)} ms: that much of each stage's overhead is starting the user's command.`);
    if (atFour && loopsAtFour !== undefined) {
      console.log(`At 4 workers, Sluice adds ${(atFour.overheadMs - loopsAtFour).toFixed(1)} ms a stage to the ${loopsAtFour.toFixed(1)} ms that running the same commands 4 at a time costs with no Sluice.`);
    }
    if (atFour) {
      const { startSeconds, endSeconds, stagesSeconds } = atFour.run;
      const perStageMs = ((stagesSeconds - (STAGES * stageSeconds) / 4) * 4 * 1000) / STAGES;
      console.log(
        `Where the 4-worker run's time above the ideal went: ${startSeconds.toFixed(2)} s from \`sluice run\` starting to the first stage taken (${((startSeconds * 4 * 1000) / STAGES).toFixed(1)} ms a stage), ` +
          `${endSeconds.toFixed(2)} s from the last stage's end to its exit (${((endSeconds * 4 * 1000) / STAGES).toFixed(1)} ms a stage), and ${perStageMs.toFixed(1)} ms a stage in between (the workers' own times in BullMQ).`,
      );
      reportGoal('within 10 % of the ideal at 4 workers', atFour.ratio <= 1.1);
      reportGoal('queue overhead per stage under 20 ms at 4 workers', atFour.overheadMs < 20);
    }
  } finally {
    redis.disconnect();
  }
});

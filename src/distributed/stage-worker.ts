/**
 * `sluice worker`: takes stage jobs from the queues of its Sluice version and labels, runs each in
 * a checkout of its own clone at the job's commit with the shared cache and run cache, and
 * answers with the outs it stored. Presence is renewed every second (`sluice workers`); BullMQ
 * renews each job's lock every `stallTimeoutMs / 2`, and a job whose lock lapses (its worker was
 * killed) is moved back to the queue by the other workers' stalled-job check.
 *
 * Stopping: `stop('finish')` takes no new job and waits for the running ones; `stop('hand-back')`
 * stops the running commands and puts their jobs back on the queue for another worker.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { currentBranch, detachHead, isAppError, isProcessAlive, resolveRevision, trackedChanges } from '../core/index.js';
import type { ObjectCache, ObjectStorage, StatCache } from '../cache/index.js';
import { applyOverrides, describeOverrides } from '../experiments/index.js';
import { PipelineCache, runWorkerStage, SharedCache, type StageOutcome } from '../pipeline/index.js';
import { openWorkspace, openWorkspaceCache, openWorkspaceStatCache, type Workspace } from '../workspace/index.js';
import { bullmqConnection, connectQueue } from './connection.js';
import { runRefused, versionMismatch, workerCloneChanged, workerNameTaken } from './errors.js';
import { HEARTBEAT_MS, Presence, type WorkerRecord } from './presence.js';
import type { QueueLocation } from './queue-url.js';
import { queuesForWorker } from './routing.js';
import { SharedRunCache } from './shared-run-cache.js';
import { SlotCheckouts } from './slot-checkout.js';
import { readQueued, stageJobSchema, type StageJob, type StageJobResult } from './stage-job.js';

export interface StageWorkerOptions {
  readonly location: QueueLocation;
  /** The worker's clone (its working directory). */
  readonly root: string;
  readonly name: string;
  readonly labels: readonly string[];
  /** Stages run at once (each in its own checkout). */
  readonly concurrency: number;
  /** This Sluice's version: only jobs planned by the same version are taken. */
  readonly version: string;
  /** A job's lock lasts this long without renewal: a killed worker's stage is retried after about this long. */
  readonly stallTimeoutMs: number;
  /** Put first on stages' PATH (the `sluice` of this worker). */
  readonly toolDir?: string | undefined;
  /** A remote as the shared cache (`--remote`): upstream outs fetched from it, outs and run-cache entries published to it. */
  readonly remote?: ObjectStorage | undefined;
  /** One line of the worker's log (no newline). */
  readonly log: (line: string) => void;
}

/**
 * A checkout's stat cache is written at most this often while jobs run (and when the worker
 * stops): rewriting it after every stage cost more than hashing a small out. A worker killed in
 * between loses only those hashes (its next start hashes the files again).
 */
const STAT_CACHE_FLUSH_MS = 10_000;

/** The default of `--stall-timeout`: short enough to retry a dead worker's stage soon, long enough that a busy Redis does not fake a death. */
export const DEFAULT_STALL_TIMEOUT_MS = 15_000;

interface StageCaches {
  readonly cache: ObjectCache;
  readonly runCache: SharedRunCache;
  readonly shared: SharedCache | undefined;
}

interface ActiveJob {
  readonly id: string;
  readonly data: StageJob;
  readonly startedAt: number;
  readonly controller: AbortController;
}

/** A running worker; see the module comment. */
export class StageWorker {
  private readonly workers: Worker[] = [];
  private readonly active = new Map<string, ActiveJob>();
  private readonly freeSlots: number[];
  private readonly told = new Set<string>();
  private readonly slots: SlotCheckouts;
  /** The caches by directory: the one a job's commit configures (cache.dir) is the one its stage uses. */
  private readonly caches = new Map<string, StageCaches>();
  private readonly pipelines = new PipelineCache();
  /** Each checkout's stat cache, kept between its jobs (see {@link STAT_CACHE_FLUSH_MS}). */
  private readonly statCaches = new Map<string, { readonly cache: Promise<StatCache>; flushedAt: number }>();
  private readonly startedAt = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private state: WorkerRecord['state'] = 'running';
  private handingBack = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: StageWorkerOptions,
    private readonly redis: Redis,
    private readonly presence: Presence,
    workspace: Workspace,
  ) {
    this.freeSlots = Array.from({ length: options.concurrency }, (_, slot) => slot);
    this.slots = new SlotCheckouts(options.root);
    this.cachesFor(workspace);
  }

  /**
   * The caches of a job's checkout: its commit's cache.dir, a relative one read from the worker's
   * clone (every slot shares the clone's cache). A commit that moves cache.dir (to the shared one
   * an error asked for) is followed without restarting the worker.
   */
  private cachesFor(checkout: Workspace): StageCaches {
    const dir = resolve(this.options.root, checkout.config.cache?.dir ?? join('.sluice', 'cache'));
    let caches = this.caches.get(dir);
    if (!caches) {
      if (this.caches.size > 0) this.options.log(`cache: ${dir}, as the job's commit configures it`);
      const cache = openWorkspaceCache({ ...checkout, paths: { ...checkout.paths, cacheDir: dir } });
      caches = { cache, runCache: new SharedRunCache(dir), shared: this.options.remote ? new SharedCache(cache, { storage: this.options.remote, pull: true, push: true }) : undefined };
      this.caches.set(dir, caches);
    }
    return caches;
  }

  /** Connects (SLUICE_QUEUE_UNREACHABLE when Redis does not answer), announces itself and starts taking jobs. */
  static async start(options: StageWorkerOptions): Promise<StageWorker> {
    const workspace = openWorkspace(options.root);
    const clone = await inspectClone(options.root);
    const redis = await connectQueue(options.location);
    const presence = new Presence(redis, options.location.prefix);
    const existing = await presence.getWorker(options.name);
    // A worker of this name that died on this machine (a supervisor restarting it at once) leaves
    // its presence for a few seconds: its name is taken over rather than refused.
    const deadHere = existing !== undefined && existing.host === hostname() && !isProcessAlive(existing.pid);
    if (existing && !deadHere && !(existing.host === hostname() && existing.pid === process.pid)) {
      redis.disconnect();
      throw workerNameTaken({ name: options.name, host: existing.host, pid: existing.pid });
    }
    const worker = new StageWorker(options, redis, presence, workspace);
    // Only now that the worker will run: a worker that cannot start leaves the clone as it was.
    const at = clone.clean ? await adoptableCommit(options.root, clone.branch) : undefined;
    if (at !== undefined) worker.slots.adopt(at);
    await worker.beat();
    worker.heartbeat = setInterval(() => void worker.beat().catch((error: unknown) => options.log(`heartbeat failed: ${String(error)}`)), HEARTBEAT_MS);
    for (const queue of queuesForWorker(options.version, options.labels)) worker.listen(queue);
    worker.warmUp();
    return worker;
  }

  /** The queues this worker takes jobs from. */
  get queues(): string[] {
    return queuesForWorker(this.options.version, this.options.labels);
  }

  /** Stops taking jobs; `finish` waits for running stages, `hand-back` stops them and requeues their jobs. Idempotent. */
  stop(mode: 'finish' | 'hand-back'): Promise<void> {
    if (mode === 'hand-back' && !this.handingBack) {
      this.handingBack = true;
      for (const job of this.active.values()) job.controller.abort();
    }
    this.state = 'stopping';
    this.stopping ??= (async () => {
      await this.beat().catch(() => undefined);
      try {
        await Promise.all(this.workers.map((worker) => worker.close()));
      } finally {
        clearInterval(this.heartbeat);
        await this.flushStatCaches(0);
      }
      await this.presence.removeWorker(this.options.name).catch(() => undefined);
      await this.redis.quit().catch(() => undefined);
    })();
    return this.stopping;
  }

  /**
   * Parses the clone's own pipeline once, while no job is waiting: the first job, usually at the
   * same commit, then finds it parsed, and the parser's code is compiled before a stage waits on it.
   * A clone without a valid pipeline is left for the jobs to report.
   */
  private warmUp(): void {
    try {
      this.pipelines.load(this.options.root);
    } catch {
      // Reported by the first job that needs it.
    }
  }

  private listen(queue: string): void {
    const worker = new Worker(queue, (job, token, signal) => this.process(job, token, signal), {
      connection: bullmqConnection(this.options.location),
      prefix: this.options.location.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.stallTimeoutMs,
      // Checked by every live worker; a dead one's job is back in the queue within lockDuration + stalledInterval.
      stalledInterval: Math.max(1_000, Math.round(this.options.stallTimeoutMs / 3)),
      maxStalledCount: 3,
      drainDelay: 1,
    });
    worker.on('error', (error) => this.options.log(`queue ${queue}: ${error.message}`));
    this.workers.push(worker);
  }

  private async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<StageJobResult> {
    const slot = this.freeSlots.shift();
    // Listening to several queues can take one job more than the concurrency allows: hand it straight back.
    if (slot === undefined || this.handingBack) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const id = job.id ?? 'unknown';
    try {
      const data = readQueued(stageJobSchema, job.data, id);
      if (data.version !== this.options.version) {
        throw versionMismatch({ id, jobVersion: data.version, workerVersion: this.options.version });
      }
      const controller = new AbortController();
      signal?.addEventListener('abort', () => controller.abort(), { once: true });
      this.active.set(id, { id, data, startedAt: Date.now(), controller });
      void this.announce().catch(() => undefined);
      // Both round trips overlap getting the stage ready instead of delaying it: a cancelled run's
      // stage stops before its command starts, or is stopped when the answer comes later.
      const cancelled = this.presence.isCancelled(data.runId).then(
        (yes) => {
          if (yes) controller.abort();
          return yes;
        },
        () => false,
      );
      void job.updateProgress({ worker: this.options.name, phase: 'checkout' }).catch(() => undefined);
      const ran = await this.runJob(data, slot, controller.signal);
      const result = ran.status === 'interrupted' && (await cancelled) ? { ...ran, message: 'the run was cancelled' } : ran;
      if (result.status === 'interrupted' && this.handingBack) {
        this.options.log(`handed back ${data.stage} (run ${data.runId})`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      return result;
    } catch (error) {
      // AppErrors are the job's failure reason as users read it; nothing is retried after them.
      if (isAppError(error)) throw new UnrecoverableError(error.toUserMessage());
      throw error;
    } finally {
      this.active.delete(id);
      this.freeSlots.push(slot);
      void this.announce().catch(() => undefined);
    }
  }

  private async runJob(data: StageJob, slot: number, signal: AbortSignal): Promise<StageJobResult> {
    const startedAt = Date.now();
    const worker = this.options.name;
    const dir = await this.slots.checkout(slot, data.commit);
    if (data.overrides?.length) {
      try {
        applyOverrides(dir, data.overrides);
      } catch (error) {
        await this.slots.restore(slot);
        const message = `cannot apply the experiment's params (${describeOverrides(data.overrides)}) at commit ${data.commit.slice(0, 8)}: ${error instanceof Error ? error.message : String(error)}`;
        return { status: 'failed', message, worker, durationMs: Date.now() - startedAt };
      }
    }
    try {
      return await this.runStage(data, dir, signal, startedAt);
    } finally {
      // The experiment's params must not reach the checkout's next job.
      if (data.overrides?.length) await this.slots.restore(slot).catch((error: unknown) => this.options.log(`could not restore checkout ${slot}: ${String(error)}`));
    }
  }

  private async runStage(data: StageJob, dir: string, signal: AbortSignal, startedAt: number): Promise<StageJobResult> {
    const worker = this.options.name;
    this.options.log(`▶ ${data.stage} (run ${data.runId.slice(0, 8)}, commit ${data.commit.slice(0, 8)})`);
    const checkout = openWorkspace(dir);
    const { cache, runCache, shared } = this.cachesFor(checkout);
    const statCache = this.statCacheOf(checkout);
    const outcome = await runWorkerStage(checkout, data.stage, {
      statCache: await statCache.cache,
      cache,
      runCache,
      deps: data.deps,
      runCacheKey: data.runCacheKey,
      logsDir: join(this.options.root, '.sluice', 'logs', 'worker', data.runId),
      env: { SLUICE_WORKER: worker },
      toolDir: this.options.toolDir,
      signal,
      pipelines: this.pipelines,
      shared,
    });
    this.options.log(`${outcome.status === 'failed' ? '✗' : '✓'} ${data.stage}: ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}`);
    await this.flushStatCaches(STAT_CACHE_FLUSH_MS);
    return toResult(outcome, worker, Date.now() - startedAt);
  }

  private statCacheOf(checkout: Workspace): { readonly cache: Promise<StatCache>; flushedAt: number } {
    let kept = this.statCaches.get(checkout.root);
    if (!kept) {
      // A checkout without .sluice/ yet (no committed config) would keep its stat cache in memory only.
      mkdirSync(checkout.paths.tmpDir, { recursive: true });
      const cache = openWorkspaceStatCache(checkout);
      // One that could not be read is opened again by the next job rather than kept failed.
      cache.catch(() => this.statCaches.delete(checkout.root));
      this.statCaches.set(checkout.root, (kept = { cache, flushedAt: Date.now() }));
    }
    return kept;
  }

  /** Writes the stat caches last written longer ago than `olderThanMs`; a failure is logged (it only costs rehashing). */
  private async flushStatCaches(olderThanMs: number): Promise<void> {
    const now = Date.now();
    for (const [root, kept] of this.statCaches) {
      if (now - kept.flushedAt < olderThanMs) continue;
      kept.flushedAt = now;
      await kept.cache.then((cache) => cache.flush()).catch((error: unknown) => this.options.log(`could not write the stat cache of ${root}: ${String(error)}`));
    }
  }

  /** Renews presence, stops stages of cancelled runs, and says once per run why jobs of another version are not taken. */
  private async beat(): Promise<void> {
    await this.announce();
    for (const job of this.active.values()) if (await this.presence.isCancelled(job.data.runId)) job.controller.abort();
    for (const run of await this.presence.listRuns()) {
      if (run.version === this.options.version || this.told.has(run.runId)) continue;
      this.told.add(run.runId);
      this.options.log(runRefused({ runId: run.runId, from: `${run.host}:${run.root}`, runVersion: run.version, workerVersion: this.options.version }).toUserMessage());
    }
  }

  /**
   * Renews presence only: what `sluice workers` shows, updated as a job starts or ends. One round
   * trip, where a heartbeat's cancel checks and run listing take three or more on the stage's path.
   */
  private async announce(): Promise<void> {
    const { name, version, labels, concurrency } = this.options;
    await this.presence.putWorker({
      name,
      host: hostname(),
      pid: process.pid,
      version,
      labels: [...labels],
      concurrency,
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      state: this.state,
      jobs: [...this.active.values()].map((job) => ({ id: job.id, runId: job.data.runId, stage: job.data.stage, startedAt: job.startedAt })),
    });
  }
}

/**
 * Whether the clone has no change to tracked files, and its branch. A checkout on a branch with such changes is
 * someone's work in progress, which the first job's forced checkout would discard: refused. A
 * worker's own clone is left on a detached HEAD by its jobs, with whatever they wrote (metrics kept
 * in git): restarting there is fine, and its first job checks its commit out again.
 */
async function inspectClone(root: string): Promise<{ readonly clean: boolean; readonly branch?: string | undefined }> {
  let changed: string[];
  let branch: string | undefined;
  try {
    [branch, changed] = await Promise.all([currentBranch(root), trackedChanges(root)]);
  } catch {
    return { clean: false }; // Not a git clone: the first job says so when it checks out its commit.
  }
  if (changed.length === 0) return { clean: true, branch };
  if (branch === undefined) return { clean: false };
  const shown = changed.slice(0, 5).join(', ');
  throw workerCloneChanged({ root, paths: changed.length > 5 ? `${shown} and ${changed.length - 5} more` : shown });
}

/**
 * A clean clone's commit, the clone detached at it first when it is on a branch (its branch stays
 * where it is), as its first job would have left it: slot 0 is at that commit, so a first job there
 * needs no checkout. Undefined when git cannot say (no commit yet): the first job checks out.
 */
async function adoptableCommit(root: string, branch: string | undefined): Promise<string | undefined> {
  return (branch === undefined ? resolveRevision(root, 'HEAD') : detachHead(root)).catch(() => undefined);
}

function toResult(outcome: StageOutcome, worker: string, durationMs: number): StageJobResult {
  const common = { worker, durationMs, exitCode: outcome.exitCode, message: outcome.message, tail: outcome.tail ? [...outcome.tail] : undefined };
  if (outcome.status === 'ran' || outcome.status === 'restored-run-cache') return { ...common, status: outcome.status, outs: [...(outcome.lock?.outs ?? [])] };
  if (outcome.status === 'interrupted') return { ...common, status: 'interrupted' };
  return { ...common, status: 'failed', message: outcome.message ?? `the stage ended as ${outcome.status} on the worker` };
}

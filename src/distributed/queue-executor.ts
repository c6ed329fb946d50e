/**
 * The submitting side of `sluice run --executor queue`: a {@link StageDelegate} that puts a stage
 * on the BullMQ queue of its Sluice version and labels, waits for a worker's answer, and reports
 * progress (taken by a worker, worker lost and requeued).
 *
 * Jobs, not flows: the pipeline's own scheduler decides when a stage is ready and enqueues it
 * then, as one job. A stage's job carries its deps' content ids, which exist only once the
 * upstream stages have run, and the submitter decides before enqueueing whether the stage is
 * unchanged or restorable from the cache or run cache; a BullMQ flow, fixed up front, could do
 * neither, and the pipeline's skip-after-failure and `--keep-going` rules would be written twice.
 *
 * Nothing waits forever: a stage no connected worker can take (no worker of this version with its
 * labels) fails after `workerTimeoutMs`, naming the workers that are there, and so does a stage
 * whose worker died (its presence lapsed) when no other worker comes to take it; a cancelled run
 * (`sluice queue cancel`) or Ctrl-C ends the waiting stages as interrupted.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { resolveRevision } from '../core/index.js';
import type { ParamOverride } from '../experiments/index.js';
import type { DelegatedStageRequest, DelegatedStageResult, StageDelegate } from '../pipeline/index.js';
import { bullmqConnection, connectQueue } from './connection.js';
import { noCapableWorker, noCommit } from './errors.js';
import { HEARTBEAT_MS, Presence, type WorkerRecord } from './presence.js';
import type { QueueLocation } from './queue-url.js';
import { canTake, queueNameFor } from './routing.js';
import { jobIdFor, jobProgressSchema, readQueued, stageJobResultSchema, type StageJob } from './stage-job.js';

export interface QueueExecutorOptions {
  readonly location: QueueLocation;
  readonly version: string;
  /** The submitting checkout. */
  readonly root: string;
  /** How long a stage may wait while no connected worker could take it. */
  readonly workerTimeoutMs: number;
  /** Progress worth a line: a stage taken by a worker, requeued after its worker was lost. */
  readonly onProgress?: ((stage: string, event: string) => void) | undefined;
  /** An experiment's params overrides: every stage's worker applies them to its checkout of the commit. */
  readonly overrides?: readonly ParamOverride[] | undefined;
}

/** The default of `--worker-timeout`. */
export const DEFAULT_WORKER_TIMEOUT_MS = 30_000;

interface Waiter {
  readonly job: Job;
  readonly queue: Queue;
  readonly stage: string;
  readonly labels: readonly string[];
  readonly resolve: (result: DelegatedStageResult) => void;
  taken: boolean;
  /** The worker that took it, from its progress report. */
  worker: string | undefined;
  /** When a worker that could take it was last seen (or when it was enqueued). */
  capableSeenAt: number;
}

/** See the module comment. */
export class QueueExecutor implements StageDelegate {
  /** Promises, so that stages submitted at the same moment share one Queue and one QueueEvents. */
  private readonly queues = new Map<string, Promise<{ queue: Queue; events: QueueEvents }>>();
  private readonly waiters = new Map<string, Waiter>();
  private runId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastSafetyPoll = 0;
  /**
   * Set by the tick once `sluice queue cancel` named this run. A stage the scheduler hands over
   * later ends at once, never enqueued; one enqueued in the second before the tick saw it is
   * removed by that tick, or stopped by its worker, which reads the flag as it takes the job.
   * One read a second, where reading it for every stage cost a round trip before each enqueue.
   */
  private cancelled = false;

  private constructor(
    private readonly options: QueueExecutorOptions,
    private readonly redis: Redis,
    private readonly presence: Presence,
    private readonly commit: string,
  ) {}

  /** Checks that the checkout has a commit and Redis answers (SLUICE_QUEUE_UNREACHABLE otherwise). */
  static async open(options: QueueExecutorOptions): Promise<QueueExecutor> {
    // Redis connects while git answers; without a commit, the run stops at once (the connection, or
    // its failure, is dropped when it comes).
    const connecting = connectQueue(options.location);
    connecting.catch(() => undefined);
    let commit: string;
    try {
      commit = await resolveRevision(options.root, 'HEAD');
    } catch {
      void connecting.then((redis) => redis.disconnect(), () => undefined);
      throw noCommit({ root: options.root });
    }
    const redis = await connecting;
    return new QueueExecutor(options, redis, new Presence(redis, options.location.prefix), commit);
  }

  /** The run's id on the queue (for `sluice queue cancel`), once its first stage is submitted. */
  get queueRunId(): string | undefined {
    return this.runId;
  }

  async run(request: DelegatedStageRequest): Promise<DelegatedStageResult> {
    const runId = await this.startRun(request.runId);
    if (request.signal?.aborted || this.cancelled) return { status: 'interrupted', message: 'the run was cancelled' };
    const { stage } = request;
    const data: StageJob = {
      version: this.options.version,
      runId,
      stage: stage.name,
      commit: this.commit,
      deps: request.deps,
      runCacheKey: request.runCacheKey,
      ...(this.options.overrides?.length ? { overrides: [...this.options.overrides] } : {}),
      labels: [...stage.labels],
      submittedFrom: `${hostname()}:${this.options.root}`,
    };
    const { queue } = await this.queueFor(queueNameFor(this.options.version, stage.labels));
    const job = await queue.add(stage.name, data, {
      jobId: jobIdFor(runId, stage.name),
      attempts: 1,
      removeOnComplete: { age: 3_600 },
      removeOnFail: { age: 86_400 },
    });
    return new Promise((resolve) => {
      this.waiters.set(job.id!, { job, queue, stage: stage.name, labels: stage.labels, resolve, taken: false, worker: undefined, capableSeenAt: Date.now() });
      // Ctrl-C: workers stop the run's stages at their next heartbeat; the next tick ends the waiting.
      request.signal?.addEventListener('abort', () => void this.presence.cancel(runId).catch(() => undefined), { once: true });
    });
  }

  /** Ends the run on the queue: its presence, timers and connections. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.runId) await this.presence.removeRun(this.runId).catch(() => undefined);
    for (const opened of this.queues.values()) {
      // A queue that never opened closed its own connections (see openQueue): nothing to close.
      const ready = await opened.catch(() => undefined);
      if (!ready) continue;
      await ready.events.close().catch(() => undefined);
      await ready.queue.close().catch(() => undefined);
    }
    await this.redis.quit().catch(() => undefined);
  }

  private async startRun(requested: string | undefined): Promise<string> {
    if (this.runId) return this.runId;
    const runId = requested ?? randomUUID();
    this.runId = runId;
    const record = { runId, version: this.options.version, host: hostname(), root: this.options.root, commit: this.commit, startedAt: Date.now() };
    await this.presence.putRun({ ...record, heartbeatAt: Date.now() });
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      void this.tick(record)
        .catch((error: unknown) => this.options.onProgress?.('queue', `check failed: ${String(error)}`))
        .finally(() => (this.ticking = false));
    }, HEARTBEAT_MS);
    return runId;
  }

  private queueFor(name: string): Promise<{ queue: Queue; events: QueueEvents }> {
    let opened = this.queues.get(name);
    if (!opened) {
      opened = this.openQueue(name);
      this.queues.set(name, opened);
    }
    return opened;
  }

  private async openQueue(name: string): Promise<{ queue: Queue; events: QueueEvents }> {
    const connection = bullmqConnection(this.options.location);
    const queue = new Queue(name, { connection, prefix: this.options.location.prefix });
    const events = new QueueEvents(name, { connection, prefix: this.options.location.prefix });
    events.on('completed', ({ jobId, returnvalue }) => this.finish(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { status: 'failed', message: `the worker could not run it: ${failedReason}` }));
    events.on('progress', ({ jobId, data }) => this.progress(jobId, data));
    events.on('stalled', ({ jobId }) => {
      const waiter = this.waiters.get(jobId);
      // Not taken: the tick saw its worker gone first and said so.
      if (waiter?.taken) this.lostWorker(waiter, Date.now());
    });
    events.on('error', () => undefined); // reconnects by itself; a lost Redis shows in the tick
    try {
      await events.waitUntilReady();
    } catch (error) {
      // Its connections would otherwise keep reconnecting and hold the command open; the next
      // stage for this queue tries again.
      this.queues.delete(name);
      await events.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      throw error;
    }
    return { queue, events };
  }

  private progress(jobId: string, data: unknown): void {
    const waiter = this.waiters.get(jobId);
    const parsed = jobProgressSchema.safeParse(data);
    if (!waiter || !parsed.success) return;
    waiter.taken = true;
    waiter.worker = parsed.data.worker;
    this.options.onProgress?.(waiter.stage, `taken by worker ${parsed.data.worker}`);
  }

  /**
   * The worker running a stage stopped answering (killed, or stopped and handed the job back): the
   * stage waits for another worker again, and fails after the worker timeout if none can take it.
   */
  private lostWorker(waiter: Waiter, now: number): void {
    waiter.taken = false;
    waiter.capableSeenAt = now;
    this.options.onProgress?.(waiter.stage, `its worker${waiter.worker ? ` ${waiter.worker}` : ''} stopped answering: back in the queue for another worker`);
  }

  private finish(jobId: string, returnvalue: unknown): void {
    if (!this.waiters.has(jobId)) return;
    try {
      const value = typeof returnvalue === 'string' ? (JSON.parse(returnvalue) as unknown) : returnvalue;
      const result = readQueued(stageJobResultSchema, value, jobId);
      this.settle(jobId, { status: result.status, outs: result.outs, exitCode: result.exitCode, message: result.message, tail: result.tail, where: result.worker });
    } catch (error) {
      this.settle(jobId, { status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private settle(jobId: string, result: DelegatedStageResult): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    this.waiters.delete(jobId);
    waiter.resolve(result);
  }

  /** Once a second: presence, cancellation, stages no worker can take, and a safety poll for missed events. */
  private async tick(record: Omit<Parameters<Presence['putRun']>[0], 'heartbeatAt'>): Promise<void> {
    await this.presence.putRun({ ...record, heartbeatAt: Date.now() });
    this.cancelled ||= await this.presence.isCancelled(record.runId);
    if (this.waiters.size === 0) return;
    if (this.cancelled) {
      for (const [jobId, waiter] of this.waiters) {
        if (!waiter.taken) await waiter.job.remove().catch(() => undefined);
        this.settle(jobId, { status: 'interrupted', message: 'the run was cancelled' });
      }
      return;
    }
    const workers = await this.presence.listWorkers();
    const now = Date.now();
    for (const [jobId, waiter] of this.waiters) {
      // A worker lists the jobs it runs in its presence: one that has this job, and renewed its
      // presence just now, has it, whatever was said before (a presence that lapsed while its
      // worker was busy comes back). A dead worker's record stays a few seconds, not renewed.
      const holder = workers.find((worker) => now - worker.heartbeatAt < 3 * HEARTBEAT_MS && worker.jobs.some((job) => job.id === jobId));
      if (holder) {
        // Said only after a loss was reported; a first take is reported by its progress event.
        if (!waiter.taken && waiter.worker !== undefined) this.options.onProgress?.(waiter.stage, `worker ${holder.name} has it again`);
        waiter.taken = true;
        waiter.worker = holder.name;
        continue;
      }
      // A worker's presence lapses a few seconds after it dies: its stage is then waiting again,
      // whether a live worker's stalled-job check has put it back in the queue yet or not.
      if (waiter.taken && workers.some((worker) => worker.name === waiter.worker)) continue;
      if (waiter.taken) this.lostWorker(waiter, now);
      if (workers.some((worker) => worker.state === 'running' && canTake(worker, this.options.version, waiter.labels))) {
        waiter.capableSeenAt = now;
        continue;
      }
      if (now - waiter.capableSeenAt < this.options.workerTimeoutMs) continue;
      const state = await waiter.job.getState();
      if (state === 'completed' || state === 'failed') continue; // its answer is on the way
      // Waiting, or still locked by its dead worker (removing that fails, and a worker that comes
      // later finds its outs in the run cache if it runs it after all).
      await waiter.job.remove().catch(() => undefined);
      this.settle(jobId, { status: 'failed', message: this.noWorkerMessage(waiter, workers) });
    }
    if (now - this.lastSafetyPoll >= 5 * HEARTBEAT_MS) {
      this.lastSafetyPoll = now;
      await this.pollFinished();
    }
  }

  /** Events can be missed across a Redis reconnect: read the state of jobs still awaited. */
  private async pollFinished(): Promise<void> {
    for (const [jobId, waiter] of this.waiters) {
      const job = await waiter.queue.getJob(jobId);
      if (!job) continue;
      if (job.finishedOn && job.failedReason) this.settle(jobId, { status: 'failed', message: `the worker could not run it: ${job.failedReason}` });
      else if (job.finishedOn && job.returnvalue !== undefined && job.returnvalue !== null) this.finish(jobId, job.returnvalue);
    }
  }

  private noWorkerMessage(waiter: Waiter, workers: readonly WorkerRecord[]): string {
    const connected =
      workers.length === 0
        ? 'no worker is connected at all'
        : `connected: ${workers.map((worker) => `${worker.name} (Sluice ${worker.version}, labels ${worker.labels.join(',') || 'none'})`).join('; ')}`;
    return noCapableWorker({
      stage: waiter.stage,
      labels: waiter.labels.join(','),
      version: this.options.version,
      timeoutSeconds: this.options.workerTimeoutMs / 1000,
      url: this.options.location.url,
      connected,
    }).toUserMessage();
  }
}

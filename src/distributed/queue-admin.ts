/**
 * What `sluice workers` and `sluice queue status|cancel` read and do: the live workers, the runs
 * and their jobs on every stage queue under the prefix, and cancelling a run (its waiting jobs are
 * removed; workers stop its running stages at their next heartbeat and answer `interrupted`).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullmqConnection, connectQueue } from './connection.js';
import { runNotOnQueue } from './errors.js';
import { Presence, type RunRecord, type WorkerRecord } from './presence.js';
import type { QueueLocation } from './queue-url.js';
import { parseQueueName } from './routing.js';
import { jobProgressSchema } from './stage-job.js';

/** One stage queue's counts. */
export interface QueueCounts {
  readonly name: string;
  readonly version: string;
  readonly labels: readonly string[];
  readonly waiting: number;
  readonly active: number;
  readonly completed: number;
  readonly failed: number;
}

/** A job waiting or running, for the status listing. */
export interface QueuedStage {
  readonly runId: string;
  readonly stage: string;
  readonly queue: string;
  readonly state: 'waiting' | 'active';
  /** The worker running it (active jobs). */
  readonly worker: string | undefined;
}

export interface QueueStatus {
  readonly url: string;
  readonly queues: readonly QueueCounts[];
  readonly runs: readonly RunRecord[];
  readonly jobs: readonly QueuedStage[];
  readonly workers: readonly WorkerRecord[];
}

const WAITING_STATES = ['waiting', 'prioritized', 'delayed'] as const;

/** Opens the queue's Redis once for a few reads (SLUICE_QUEUE_UNREACHABLE when it does not answer). */
export async function withQueueAdmin<T>(location: QueueLocation, action: (admin: QueueAdmin) => Promise<T>): Promise<T> {
  const redis = await connectQueue(location);
  const admin = new QueueAdmin(location, redis);
  try {
    return await action(admin);
  } finally {
    await admin.close();
  }
}

/** Reads and cancels; see the module comment. */
export class QueueAdmin {
  private readonly presence: Presence;
  private readonly opened: Queue[] = [];

  constructor(
    private readonly location: QueueLocation,
    private readonly redis: Redis,
  ) {
    this.presence = new Presence(redis, location.prefix);
  }

  /** Live workers, by name. */
  workers(): Promise<WorkerRecord[]> {
    return this.presence.listWorkers();
  }

  async status(): Promise<QueueStatus> {
    const queues: QueueCounts[] = [];
    const jobs: QueuedStage[] = [];
    for (const name of await this.queueNames()) {
      const queue = this.open(name);
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
      const parsed = parseQueueName(name)!;
      queues.push({
        name,
        version: parsed.version,
        labels: parsed.labels,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      });
      for (const job of await queue.getJobs(['active', ...WAITING_STATES])) {
        const data = job.data as { runId?: unknown };
        const progress = jobProgressSchema.safeParse(job.progress);
        const active = await job.isActive();
        jobs.push({
          runId: typeof data.runId === 'string' ? data.runId : '?',
          stage: job.name,
          queue: name,
          state: active ? 'active' : 'waiting',
          worker: active && progress.success ? progress.data.worker : undefined,
        });
      }
    }
    return { url: this.location.url, queues, runs: await this.presence.listRuns(), jobs, workers: await this.presence.listWorkers() };
  }

  /** Cancels one run (or every run on the queue when `runId` is undefined); returns how many stages were waiting and running. */
  async cancel(runId: string | undefined): Promise<{ runs: string[]; removed: number; stopping: number }> {
    const status = await this.status();
    const runs = new Set([...status.runs.map((run) => run.runId), ...status.jobs.map((job) => job.runId)]);
    // A run is named by its id or by a start of it no other run shares (`sluice workers` and the worker log show 8 characters).
    const named = runId === undefined ? [...runs] : runs.has(runId) ? [runId] : [...runs].filter((id) => id.startsWith(runId));
    if (runId !== undefined && named.length !== 1) throw runNotOnQueue({ runId, others: named.length > 1 ? ` (${runId} starts the ids of ${named.length} runs: give more of the id)` : '' });
    const targets = named;
    for (const target of targets) await this.presence.cancel(target);
    let removed = 0;
    for (const name of await this.queueNames()) {
      for (const job of await this.open(name).getJobs([...WAITING_STATES])) {
        const data = job.data as { runId?: unknown };
        if (runId !== undefined && data.runId !== targets[0]) continue;
        await job.remove().then(() => removed++, () => undefined);
      }
    }
    const stopping = status.jobs.filter((job) => job.state === 'active' && targets.includes(job.runId)).length;
    return { runs: targets, removed, stopping };
  }

  async close(): Promise<void> {
    for (const queue of this.opened) await queue.close().catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }

  private open(name: string): Queue {
    const queue = new Queue(name, { connection: bullmqConnection(this.location), prefix: this.location.prefix });
    this.opened.push(queue);
    return queue;
  }

  /** Stage queues under the prefix, from BullMQ's `meta` keys. */
  private async queueNames(): Promise<string[]> {
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.location.prefix}:stages@*:meta`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const name = key.slice(this.location.prefix.length + 1, -':meta'.length);
        if (parseQueueName(name)) names.add(name);
      }
    } while (cursor !== '0');
    return [...names].sort();
  }
}

/**
 * Who is on the queue: workers (name, labels, version, current jobs, heartbeat) and submitting
 * runs (version, commit), each a Redis key that expires unless its owner renews it, plus
 * cancellation flags. A worker that dies simply stops renewing, and drops out of `sluice
 * workers` within {@link PRESENCE_TTL_MS}; BullMQ's stalled-job check hands its job to another.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** How often workers and submitters renew their presence. */
export const HEARTBEAT_MS = 1_000;
/** A presence key not renewed for this long is gone (a dead process). */
export const PRESENCE_TTL_MS = 5_000;
/** How long a cancellation stays visible to workers and the submitter. */
const CANCEL_TTL_MS = 3_600_000;

/** A worker as it announces itself. */
export const workerRecordSchema = z.object({
  name: z.string(),
  host: z.string(),
  pid: z.number(),
  version: z.string(),
  labels: z.array(z.string()),
  concurrency: z.number(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
  state: z.enum(['running', 'stopping']),
  jobs: z.array(z.object({ id: z.string(), runId: z.string(), stage: z.string(), startedAt: z.number() })),
});

export type WorkerRecord = z.infer<typeof workerRecordSchema>;

/** A pipeline run submitting stages to the queue. */
export const runRecordSchema = z.object({
  runId: z.string(),
  version: z.string(),
  host: z.string(),
  root: z.string(),
  commit: z.string(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

/** Reads and writes presence keys under one prefix. */
export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'sluice', ...parts].join(':');
  }

  /** Announces (or renews) a worker. */
  async putWorker(record: WorkerRecord): Promise<void> {
    await this.redis.multi().set(this.key('worker', record.name), JSON.stringify(record), 'PX', PRESENCE_TTL_MS).sadd(this.key('workers'), record.name).exec();
  }

  async removeWorker(name: string): Promise<void> {
    await this.redis.multi().del(this.key('worker', name)).srem(this.key('workers'), name).exec();
  }

  /** The worker named `name`, while it is alive. */
  async getWorker(name: string): Promise<WorkerRecord | undefined> {
    return parseRecord(workerRecordSchema, await this.redis.get(this.key('worker', name)));
  }

  /** Live workers, by name; names whose key expired are forgotten. */
  async listWorkers(): Promise<WorkerRecord[]> {
    return this.listLive('workers', 'worker', workerRecordSchema);
  }

  /** Announces (or renews) a submitting run. */
  async putRun(record: RunRecord): Promise<void> {
    await this.redis.multi().set(this.key('run', record.runId), JSON.stringify(record), 'PX', PRESENCE_TTL_MS).sadd(this.key('runs'), record.runId).exec();
  }

  async removeRun(runId: string): Promise<void> {
    await this.redis.multi().del(this.key('run', runId)).srem(this.key('runs'), runId).exec();
  }

  /** Runs whose submitter is alive. */
  async listRuns(): Promise<RunRecord[]> {
    return this.listLive('runs', 'run', runRecordSchema);
  }

  /** Marks a run cancelled: its waiting stages are not started, running ones are stopped. */
  async cancel(runId: string): Promise<void> {
    await this.redis.set(this.key('cancel', runId), '1', 'PX', CANCEL_TTL_MS);
  }

  async isCancelled(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('cancel', runId))) === 1;
  }

  private async listLive<T extends { heartbeatAt: number }>(setName: string, keyName: string, schema: z.ZodType<T>): Promise<T[]> {
    const names = (await this.redis.smembers(this.key(setName))).sort();
    if (names.length === 0) return [];
    const values = await this.redis.mget(names.map((name) => this.key(keyName, name)));
    const gone = names.filter((_, index) => values[index] === null);
    if (gone.length > 0) await this.redis.srem(this.key(setName), ...gone);
    return values.flatMap((value) => parseRecord(schema, value) ?? []);
  }
}

function parseRecord<T>(schema: z.ZodType<T>, text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

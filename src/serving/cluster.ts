/**
 * Several workers on one port (`--workers N`, Node's cluster module): the primary forks them,
 * relays `/admin/reload` to all of them, aggregates their Prometheus metrics for whichever
 * worker is scraped (over its own messages: each worker's registry as JSON, summed with
 * prom-client's aggregation), and on SIGTERM lets each drain its requests before exiting.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import { isAppError } from '../core/index.js';
import { runServer, type RunServerOptions } from './run-server.js';
import { WorkerFanOut } from './worker-fan-out.js';

type Message =
  | { type: 'sluice:listening'; url: string; grpcAddress?: string | undefined; models: string[] }
  | { type: 'sluice:failed'; message: string; exitCode: number }
  | { type: 'sluice:metrics'; id: string }
  | { type: 'sluice:metrics:collect'; id: string }
  | { type: 'sluice:metrics:json'; id: string; metrics: unknown[] }
  | { type: 'sluice:metrics:reply'; id: string; contentType: string; body: string }
  | { type: 'sluice:reload'; id: string; names?: readonly string[]; force?: boolean }
  | { type: 'sluice:do-reload'; id: string; names?: readonly string[]; force?: boolean }
  | { type: 'sluice:reloaded'; id: string }
  | { type: 'sluice:reload:done'; id: string };

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && (value as { type: string }).type.startsWith('sluice:');
}

/**
 * Runs the server on `workers` processes; resolves with the exit code when they have all stopped.
 * `beforeExit` runs in each worker after its server has stopped and before it leaves the cluster
 * (flushing its access log, storing its prediction-log files): a worker that disconnects from the
 * primary exits at once, so nothing after that point would run.
 */
export async function serveInCluster(options: RunServerOptions, workers: number, print: (message: string) => void, beforeExit: () => Promise<void> = async () => undefined): Promise<number> {
  return cluster.isPrimary ? runPrimary(workers, print) : runWorker(options, beforeExit);
}

async function runPrimary(count: number, print: (message: string) => void): Promise<number> {
  const workers: Worker[] = [];
  const metrics = new WorkerFanOut<unknown[]>((origin, id, collected) => {
    const aggregated = AggregatorRegistry.aggregate(collected as Parameters<typeof AggregatorRegistry.aggregate>[0]);
    void aggregated.metrics().then((body) => origin.send({ type: 'sluice:metrics:reply', id, contentType: aggregated.contentType, body } satisfies Message));
  });
  const reloads = new WorkerFanOut<true>((origin, id) => origin.send({ type: 'sluice:reload:done', id } satisfies Message));
  let listening = 0;
  let failed = false;
  // The first worker's reason for not starting (a port in use, a model that does not load):
  // reported once, by this process, rather than by every worker.
  let failure: { message: string; exitCode: number } | undefined;
  for (let k = 0; k < count; k++) workers.push(cluster.fork());
  for (const worker of workers) {
    worker.on('message', (message: unknown) => {
      if (!isMessage(message)) return;
      switch (message.type) {
        case 'sluice:listening':
          if (++listening === count) print(`Serving ${message.models.join(', ')} at ${message.url} on ${count} workers (v2: /v2/models/NAME/infer, MLflow: /invocations, /predict, /metrics)${message.grpcAddress ? `, v2 gRPC at grpc://${message.grpcAddress}` : ''}; Ctrl-C or SIGTERM stops them after the requests in flight.\n`);
          break;
        case 'sluice:failed':
          failure ??= { message: message.message, exitCode: message.exitCode };
          break;
        case 'sluice:metrics':
          // Every worker's registry as JSON, summed by prom-client's aggregation.
          metrics.start(message.id, worker, workers, (each) => each.send({ type: 'sluice:metrics:collect', id: message.id } satisfies Message));
          break;
        case 'sluice:metrics:json':
          metrics.answer(message.id, worker, message.metrics);
          break;
        case 'sluice:reload':
          reloads.start(message.id, worker, workers, (each) => each.send({ type: 'sluice:do-reload', id: message.id, names: message.names, force: message.force } satisfies Message));
          break;
        case 'sluice:reloaded':
          reloads.answer(message.id, worker, true);
          break;
      }
    });
  }
  let stopping = false;
  // A worker killed by a signal has no exit code: that is a failure unless we asked it to stop.
  const exited = workers.map((worker) => new Promise<number>((resolve) => worker.once('exit', (code, signal) => resolve(code ?? (signal && !stopping ? 1 : 0)))));
  for (const worker of workers) {
    worker.once('exit', (code, signal) => {
      metrics.exited(worker);
      reloads.exited(worker);
      if (!stopping && listening === count) print(`sluice: worker ${worker.process.pid} stopped (${signal ?? `exit ${code}`}); the others keep serving.\n`);
    });
  }
  // A worker that dies on start (a model failing to load) stops the others: the server never half-starts.
  for (const worker of workers) {
    worker.once('exit', (code) => {
      if (code !== 0 && listening < count && !failed) {
        failed = true;
        for (const other of workers) if (other !== worker && !other.isDead()) other.kill('SIGTERM');
      }
    });
  }
  const stop = () => {
    stopping = true;
    for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const codes = await Promise.all(exited);
  if (failure) {
    print(`sluice: ${failure.message}\n`);
    return failure.exitCode;
  }
  return codes.some((code) => code !== 0) ? Math.max(...codes) : 0;
}

async function runWorker(options: RunServerOptions, beforeExit: () => Promise<void>): Promise<number> {
  const waiting = new Map<string, (message: Message) => void>();
  const ask = (message: Message & { id: string }): Promise<Message> =>
    new Promise((resolve) => {
      waiting.set(message.id, resolve);
      process.send!(message);
    });
  let server: Awaited<ReturnType<typeof runServer>> | undefined;
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'sluice:metrics:collect') {
      void (server?.metrics.registry.getMetricsAsJSON() ?? Promise.resolve([])).then((metrics) => process.send!({ type: 'sluice:metrics:json', id: message.id, metrics } satisfies Message));
      return;
    }
    if (message.type === 'sluice:do-reload') {
      void (server?.models.reload({ names: message.names, force: message.force }) ?? Promise.resolve()).finally(() => process.send!({ type: 'sluice:reloaded', id: message.id } satisfies Message));
      return;
    }
    if ('id' in message) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  try {
    server = await runServer(workerOptions(options, ask));
  } catch (error) {
    // The primary reports a known failure once; the IPC channel would keep this process alive.
    if (!isAppError(error)) {
      process.disconnect();
      throw error;
    }
    await new Promise<void>((sent) => process.send!({ type: 'sluice:failed', message: error.toUserMessage(), exitCode: error.exitCode } satisfies Message, undefined, undefined, () => sent()));
    process.disconnect();
    return error.exitCode;
  }
  process.send!({ type: 'sluice:listening', url: server.url, grpcAddress: server.grpcAddress, models: server.models.names() } satisfies Message);
  await new Promise<void>((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  await server.close();
  await beforeExit();
  // The IPC channel to the primary would keep this process alive.
  process.disconnect();
  return 0;
}

/** A worker's server options: reloads and metrics go through the primary. */
function workerOptions(options: RunServerOptions, ask: (message: Message & { id: string }) => Promise<Message>): RunServerOptions {
  return {
    ...options,
    reloadAll: async (reload) => {
      await ask({ type: 'sluice:reload', id: randomUUID(), ...reload });
    },
    metricsSource: async () => {
      const reply = (await ask({ type: 'sluice:metrics', id: randomUUID() })) as Extract<Message, { type: 'sluice:metrics:reply' }>;
      return { contentType: reply.contentType, body: reply.body };
    },
  };
}

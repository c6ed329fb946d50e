/**
 * Running the model server in this process: load the models, listen, follow registry aliases,
 * and shut down gracefully on SIGTERM/SIGINT (stop accepting, finish the requests in flight,
 * flush the prediction log, release the models).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { listenError } from '../core/index.js';
import type { RuntimeChoice } from '../inference/index.js';
import { errorMessage } from './error-message.js';
import type { LiveRecorder } from './live-window.js';
import type { ModelRouter } from './model-router.js';
import { createServingMetrics, type ServingMetrics } from './metrics.js';
import { ModelSet, type ModelResolver, type ModelSpec } from './model-set.js';
import { PredictionLog } from './prediction-log.js';
import type { LogRetention } from './prediction-log-retention.js';
import type { MetricsSource } from './routes/operations.js';
import type { RunningGrpcServer } from './grpc/grpc-server.js';
import { InFlightLimit } from './in-flight.js';
import { buildServingApp } from './server.js';

export interface RunServerOptions {
  readonly models: readonly ModelSpec[];
  readonly resolver: ModelResolver;
  readonly host: string;
  readonly port: number;
  /** The port of the v2 gRPC service; undefined for none. */
  readonly grpcPort?: number | undefined;
  readonly maxBatchSize: number;
  readonly maxBatchDelayMs: number;
  /** Which runtime models may use (default auto: compiled when verified, else onnxruntime). */
  readonly runtime?: RuntimeChoice | undefined;
  readonly maxInFlight: number;
  readonly bodyLimit: number;
  /** Where the prediction log goes; undefined for none. */
  readonly predictionLogDir: string | undefined;
  /** The fraction of predictions logged (1 when undefined: all). */
  readonly predictionLogSample?: number | undefined;
  /** How much of the prediction log is kept (all of it when undefined). */
  readonly predictionLogRetention?: LogRetention | undefined;
  /** Called with each complete prediction-log file (to keep it in the workspace's artifact store). */
  readonly onLogFileClosed?: ((path: string) => void) | undefined;
  /** Seconds between checks of registry aliases (0: never). */
  readonly followIntervalSeconds: number;
  readonly version: string;
  readonly logger: Logger | undefined;
  /** Required as a bearer token by /admin/* when set. */
  readonly adminToken?: string | undefined;
  /** Set by the cluster: reload on every worker, and metrics of all workers. */
  readonly reloadAll?: (options: { names?: readonly string[]; force?: boolean }) => Promise<void>;
  readonly metricsSource?: MetricsSource;
  /** More series appended to /metrics (an environment's monitor gauges, read at scrape time). */
  readonly extraMetrics?: (() => Promise<string>) | undefined;
  /** Serving an environment: the router choosing each request's version, and the live window its analysis reads. */
  readonly router?: ModelRouter | undefined;
  readonly live?: LiveRecorder | undefined;
  readonly feedback?: ((body: unknown, predictionLog: PredictionLog | undefined) => Promise<{ joined: number }>) | undefined;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly models: ModelSet;
  readonly metrics: ServingMetrics;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Where the v2 gRPC service listens (host:port), when it was asked for. */
  readonly grpcAddress: string | undefined;
  /** Graceful stop; resolves when in-flight requests are done and the log is flushed. */
  close(): Promise<void>;
}

export async function runServer(options: RunServerOptions): Promise<RunningServer> {
  const metrics = createServingMetrics();
  const log = options.logger;
  // Checked before the models load: a bad log directory fails fast, with nothing to release.
  const predictionLog = options.predictionLogDir ? new PredictionLog(options.predictionLogDir, { onDrop: (count) => metrics.logDropped.inc(count), onFileClosed: options.onLogFileClosed, retention: options.predictionLogRetention, sample: options.predictionLogSample }) : undefined;
  const models = await ModelSet.open(
    options.models,
    options.resolver,
    { maxBatchSize: options.maxBatchSize, maxDelayMs: options.maxBatchDelayMs, onBatch: (rows, _requests, model) => metrics.observeBatch(model ?? '', rows) },
    {
      loaded: (model, replaced) => {
        metrics.loadSeconds.set({ model: model.name, version: model.version }, model.loadSeconds);
        metrics.ready.set({ model: model.name }, 1);
        // One line per model: which runtime serves it, and why (why not compiled, say).
        const runtime = model.model.runtime;
        log?.info({ model: model.name, version: model.version, replaced: replaced?.version, seconds: model.loadSeconds, runtime: runtime.kind, runtimeReason: runtime.reason }, replaced ? 'model swapped in' : 'model loaded');
      },
      failed: (name, reference, error) => log?.error({ model: name, reference, error: errorMessage(error) }, 'model load failed; the previous version keeps serving'),
    },
    { runtime: options.runtime },
  );
  for (const name of models.names()) metrics.ready.set({ model: name }, 1);
  const context = {
    models,
    metrics,
    predictionLog,
    version: options.version,
    reloadAll: options.reloadAll ?? ((reload: { names?: readonly string[]; force?: boolean }) => models.reload(reload)),
    adminToken: options.adminToken,
    router: options.router,
    live: options.live,
    feedback: options.feedback,
  };
  // One bound on requests in flight, whichever transport they come by.
  const inFlight = new InFlightLimit(options.maxInFlight, metrics);
  const app = buildServingApp(context, { bodyLimit: options.bodyLimit, maxInFlight: options.maxInFlight, logger: log, metricsSource: options.metricsSource, extraMetrics: options.extraMetrics, inFlight });
  let address: string;
  let grpc: RunningGrpcServer | undefined;
  try {
    address = await app.listen({ host: options.host, port: options.port }).catch((error: unknown) => {
      throw listenError(error, options.host, options.port);
    });
    if (options.grpcPort !== undefined) {
      // Loaded on use: a server without --grpc-port does not parse grpc-js and the proto at start.
      const { startGrpcServer } = await import('./grpc/grpc-server.js');
      grpc = await startGrpcServer(context, { host: options.host, port: options.grpcPort, maxMessageBytes: options.bodyLimit, inFlight, logger: log });
    }
  } catch (error) {
    // A port in use, say: release what was loaded so the process can exit with the error.
    await app.close();
    models.close();
    await predictionLog?.close();
    throw error;
  }
  models.follow(options.followIntervalSeconds * 1000);
  let closing: Promise<void> | undefined;
  return {
    app,
    models,
    metrics,
    url: address,
    grpcAddress: grpc?.address,
    close: () =>
      (closing ??= (async () => {
        // Keep-alive connections that finish their last request while closing would hold the
        // close open until their timeout: closed as soon as they fall idle.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await Promise.all([app.close(), grpc?.close()]);
        } finally {
          clearInterval(sweep);
        }
        models.close();
        await predictionLog?.close();
      })()),
  };
}

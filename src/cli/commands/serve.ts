/**
 * `sluice serve MODEL...`: the model server. MODEL is a path, `models:/NAME@ALIAS` (followed: the
 * server swaps in the version the alias moves to) or `models:/NAME/3`, optionally `NAME=MODEL`.
 * Registry references need the workspace; plain files do not (a container has none).
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { modelNotFound, RUNTIME_CHOICES } from '../../inference/index.js';
import { isModelUri, resolveModelPath } from '../../registry/index.js';
import { accessLog, defaultPredictionLogDir, describeRetention, runServer, serveInCluster, type LogRetention, type ModelResolver, type ModelSpec } from '../../serving/index.js';
import { startSessionRun, workspacePredictionLogDir, type SessionRun, type WorkspaceServices } from '../../workspace/index.js';
import { invalidOption, parseOptions } from '../options.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';

const serveSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(8080),
  grpcPort: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).optional(),
  // auto: one worker per core. Each worker is one event loop with single-threaded onnxruntime
  // sessions, so one process uses about one core; measured (bench:serve) it nearly doubles
  // throughput on two cores and shortens the tail.
  workers: z
    .union([z.literal('auto'), z.coerce.number().int().min(1, { error: 'must be at least 1' }).max(256)], { error: 'must be a number of processes, or auto (one per core)' })
    .default('auto')
    .transform((workers) => (workers === 'auto' ? availableParallelism() : workers)),
  maxBatchSize: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1 (1 turns batching off)' }).max(100_000).default(32),
  maxBatchDelayMs: z.coerce.number({ error: 'must be a number' }).min(0).max(1000).default(0),
  maxInFlight: z.coerce.number({ error: 'must be a number' }).int().min(1).default(1024),
  maxBodyMb: z.coerce.number({ error: 'must be a number' }).positive().max(1024).default(16),
  predictionLog: z.union([z.string().min(1), z.literal(false)]).optional(),
  predictionLogSample: z.coerce.number({ error: 'must be a number' }).gt(0, { error: 'must be more than 0 (--no-prediction-log keeps none)' }).max(1, { error: 'must be at most 1 (every prediction)' }).default(1),
  predictionLogMaxMb: z.coerce.number({ error: 'must be a number' }).positive({ error: 'must be more than 0 (--no-prediction-log keeps none)' }).default(1024),
  predictionLogMaxAgeDays: z.coerce.number({ error: 'must be a number' }).positive({ error: 'must be more than 0 (--no-prediction-log keeps none)' }).default(7),
  followInterval: z.coerce.number({ error: 'must be a number' }).min(0).default(2),
  // auto: a small graph runs as compiled JavaScript once verified against onnxruntime (each
  // model's load logs which runtime serves it and why); onnxruntime: always onnxruntime.
  runtime: z.enum(RUNTIME_CHOICES, { error: `must be ${RUNTIME_CHOICES.join(' or ')}` }).default('auto'),
  quiet: z.boolean().default(false),
  monitor: z.boolean().default(true),
  env: z.string().min(1).optional(),
});

/** `NAME=MODEL` or `MODEL`. */
function parseSpec(argument: string): ModelSpec {
  const match = /^([A-Za-z0-9][\w.-]*)=(.+)$/.exec(argument);
  if (match && !isModelUri(argument)) return { name: match[1], reference: match[2]! };
  return { reference: argument };
}

export async function serveCommand(models: readonly string[], rawOptions: unknown, version: string, cli: CliContext): Promise<number> {
  const options = parseOptions(serveSchema, rawOptions, 'serve');
  if (options.env !== undefined) return serveEnvironmentCommand(models, rawOptions, options, version, cli);
  if (models.length === 0) throw invalidOption({ command: 'serve', problem: 'name at least one model: a path, models:/NAME@ALIAS or NAME=MODEL' });
  const specs = models.map(parseSpec);
  // In a workspace: registry references resolve, and the session is a tracked run whose
  // prediction-log files become its artifacts. Elsewhere (a container) plain files are served.
  return withServicesIfAny(cli, async (services) => {
    const predictionLogDir = predictionLogDirFor(options.predictionLog, services);
    const predictionLogRetention: LogRetention = { maxBytes: options.predictionLogMaxMb * 1024 * 1024, maxAgeMs: options.predictionLogMaxAgeDays * 86_400_000 };
    // Said once, by the process the user started (not by each --workers process).
    if (predictionLogDir && cluster.isPrimary) {
      cli.stderr.write(`Prediction log: ${predictionLogDir} (${describeRetention(predictionLogRetention)}; --prediction-log-max-mb, --prediction-log-max-age-days, --no-prediction-log)\n`);
    }
    const resolveModel = services?.models(cliActor()) ?? resolveModelPath;
    const resolver: ModelResolver = async (reference) => {
      if (!isModelUri(reference) && !existsSync(reference)) throw modelNotFound({ path: reference });
      const found = await resolveModel(reference);
      return { path: found.path, registeredName: found.version?.name, version: found.version && String(found.version.version) };
    };
    const run = services && predictionLogDir ? await startServingRun(services, specs, cli) : undefined;
    const access = options.quiet ? undefined : accessLog();
    const finish = async () => {
      access?.close();
      await run?.finish();
    };
    try {
      return await serve(specs, resolver, { ...options, predictionLogDir, predictionLogRetention, onLogFileClosed: run?.keep, logger: access?.logger, version }, cli, finish);
    } finally {
      await finish();
    }
  });
}

/**
 * Where predictions are logged: the flag's directory; in a workspace `.sluice/predictions`
 * (git-ignored); elsewhere the user's state directory, never the current directory.
 */
function predictionLogDirFor(flag: string | false | undefined, services: WorkspaceServices | undefined): string | undefined {
  if (flag === false) return undefined;
  if (flag !== undefined) return resolve(flag);
  return services ? workspacePredictionLogDir(services.workspace.root) : defaultPredictionLogDir();
}

/** Starts the session's run; a store that cannot record it does not stop the server. */
async function startServingRun(services: WorkspaceServices, specs: readonly ModelSpec[], cli: CliContext): Promise<SessionRun | undefined> {
  const warn = (message: string) => cli.stderr.write(`sluice: warning: ${message}\n`);
  try {
    return await startSessionRun(services, {
      kind: 'serve',
      name: `serve ${specs.map((model) => model.name ?? model.reference).join(', ')}`,
      params: Object.fromEntries(specs.map((model, index) => [`model.${model.name ?? index}`, model.reference])),
      artifactDir: 'predictions',
      warn,
    });
  } catch (error) {
    warn(`this serving session is not recorded in tracking: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

type ServeSettings = z.output<typeof serveSchema> & {
  readonly predictionLogDir: string | undefined;
  readonly predictionLogRetention: LogRetention;
  readonly onLogFileClosed: ((path: string) => void) | undefined;
  readonly logger: Logger | undefined;
  readonly version: string;
};

/** Runs the server (or its workers) until SIGINT or SIGTERM. */
async function serve(models: readonly ModelSpec[], resolver: ModelResolver, options: ServeSettings, cli: CliContext, finish: () => Promise<void>): Promise<number> {
  const settings = {
    models,
    resolver,
    host: options.host,
    port: options.port,
    grpcPort: options.grpcPort,
    maxBatchSize: options.maxBatchSize,
    maxBatchDelayMs: options.maxBatchDelayMs,
    runtime: options.runtime,
    maxInFlight: options.maxInFlight,
    bodyLimit: Math.round(options.maxBodyMb * 1024 * 1024),
    predictionLogDir: options.predictionLogDir,
    predictionLogRetention: options.predictionLogRetention,
    predictionLogSample: options.predictionLogSample,
    onLogFileClosed: options.onLogFileClosed,
    followIntervalSeconds: options.followInterval,
    adminToken: process.env.SLUICE_ADMIN_TOKEN || undefined,
    version: options.version,
    logger: options.logger,
  };
  if (options.workers > 1) return serveInCluster(settings, options.workers, (message) => cli.stderr.write(message), finish);
  const server = await runServer(settings);
  // Listening before the ready line: a supervisor stopping the server as soon as it reads it must
  // find it listening, not kill it by the signal's default action.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  cli.stderr.write(`Serving ${server.models.names().join(', ')} at ${server.url} (v2: /v2/models/NAME/infer, MLflow: /invocations, /predict, /metrics)${server.grpcAddress ? `, v2 gRPC at grpc://${server.grpcAddress}` : ''}; Ctrl-C or SIGTERM stops it after the requests in flight.\n`);
  await stopped;
  await server.close();
  return 0;
}

/** `sluice serve --env NAME`: the flags the user gave (unset ones take the environment's values). */
async function serveEnvironmentCommand(models: readonly string[], rawOptions: unknown, options: z.output<typeof serveSchema>, version: string, cli: CliContext): Promise<number> {
  if (models.length > 0) throw invalidOption({ command: 'serve', problem: `--env serves the environment's own versions; drop the model arguments (${models.join(' ')}), or drop --env to serve them` });
  const given = rawOptions as Record<string, unknown>;
  const { serveEnvironment } = await import('./serve-environment.js');
  return serveEnvironment(
    {
      ...options,
      env: options.env!,
      host: given.host === undefined ? undefined : options.host,
      port: given.port === undefined ? undefined : options.port,
      workers: given.workers === undefined ? undefined : options.workers,
      maxBatchSize: given.maxBatchSize === undefined ? undefined : options.maxBatchSize,
      maxBatchDelayMs: given.maxBatchDelayMs === undefined ? undefined : options.maxBatchDelayMs,
    },
    version,
    cli,
  );
}

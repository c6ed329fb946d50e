/**
 * `sluice serve MODEL...`: the model server. MODEL is a path, `models:/NAME@ALIAS` (followed: the
 * server swaps in the version the alias moves to) or `models:/NAME/3`, optionally `NAME=MODEL`.
 * Registry references need the workspace; plain files do not (a container has none).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { fetchModelFile, isModelUri } from '../../registry/index.js';
import { modelNotFound } from '../../inference/index.js';
import { runServer, serveInCluster, type ModelResolver, type ModelSpec } from '../../serving/index.js';
import { findWorkspaceRoot, openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../../workspace/index.js';
import { invalidOption, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';
import { cliActor } from '../services.js';
import { startServingRun } from '../serving-run.js';

const serveSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(8080),
  workers: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(256).default(1),
  maxBatchSize: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1 (1 turns batching off)' }).max(100_000).default(32),
  maxBatchDelayMs: z.coerce.number({ error: 'must be a number' }).min(0).max(1000).default(2),
  maxInFlight: z.coerce.number({ error: 'must be a number' }).int().min(1).default(1024),
  maxBodyMb: z.coerce.number({ error: 'must be a number' }).positive().max(1024).default(16),
  predictionLog: z.union([z.string().min(1), z.literal(false)]).optional(),
  followInterval: z.coerce.number({ error: 'must be a number' }).min(0).default(2),
  quiet: z.boolean().default(false),
});

export type ServeCommandOptions = z.input<typeof serveSchema>;

/** `NAME=MODEL` or `MODEL`. */
function parseSpec(argument: string): ModelSpec {
  const match = /^([A-Za-z0-9][\w.-]*)=(.+)$/.exec(argument);
  if (match && !isModelUri(argument)) return { name: match[1], reference: match[2]! };
  return { reference: argument };
}

function findWorkspace(): ReturnType<typeof openWorkspace> | undefined {
  try {
    return openWorkspace(findWorkspaceRoot(process.cwd()));
  } catch {
    return undefined;
  }
}

export async function serveCommand(models: readonly string[], rawOptions: ServeCommandOptions, version: string, output: CliOutput): Promise<number> {
  const options = parseOptions(serveSchema, rawOptions, 'serve');
  if (models.length === 0) throw invalidOption({ command: 'serve', problem: 'name at least one model: a path, models:/NAME@ALIAS or NAME=MODEL' });
  const specs = models.map(parseSpec);
  const workspace = findWorkspace();
  const predictionLogDir = options.predictionLog === false ? undefined : resolve(options.predictionLog ?? (workspace ? join(workspace.root, '.sluice', 'predictions') : 'sluice-predictions'));
  const logger = options.quiet ? undefined : pino({ base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));

  let services: WorkspaceServices | undefined;
  const resolver: ModelResolver = async (reference) => {
    if (!isModelUri(reference)) {
      if (!existsSync(reference)) throw modelNotFound({ path: reference });
      return { path: resolve(reference) };
    }
    if (!workspace) throw invalidOption({ command: 'serve', problem: `${reference} names a registered model, but this directory is in no Sluice workspace; run where the registry is, or serve the .onnx file` });
    services ??= await openWorkspaceServices(workspace);
    const registry = services.registry(cliActor());
    const found = await registry.resolve(reference);
    const path = await fetchModelFile(registry, found, join(workspace.paths.tmpDir, 'models'));
    return { path, registeredName: found.name, version: String(found.version) };
  };

  // In a workspace, the session is a tracked run and its prediction-log files become the run's artifacts.
  const servingRun = workspace && predictionLogDir ? await startServingRun(workspace, specs, output) : undefined;
  const settings = {
    models: specs,
    resolver,
    host: options.host,
    port: options.port,
    maxBatchSize: options.maxBatchSize,
    maxBatchDelayMs: options.maxBatchDelayMs,
    maxInFlight: options.maxInFlight,
    bodyLimit: Math.round(options.maxBodyMb * 1024 * 1024),
    predictionLogDir,
    onLogFileClosed: servingRun?.keep,
    followIntervalSeconds: options.followInterval,
    adminToken: process.env.SLUICE_ADMIN_TOKEN || undefined,
    version,
    logger,
  };
  try {
    if (options.workers > 1) return await serveInCluster(settings, options.workers, (message) => output.stderr.write(message));
    const server = await runServer(settings);
    output.stderr.write(`Serving ${server.models.names().join(', ')} at ${server.url} (v2: /v2/models/NAME/infer, MLflow: /invocations, /predict, /metrics); Ctrl-C or SIGTERM stops it after the requests in flight.\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    return 0;
  } finally {
    logger?.flush();
    await servingRun?.finish();
    await services?.close();
  }
}

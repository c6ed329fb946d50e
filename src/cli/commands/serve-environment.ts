/**
 * `sluice serve --env NAME`: serves an environment declared under `deploy:` in sluice.yaml, in
 * the foreground: its stable version and, during a rollout, the candidate, routed per request by
 * the rollout's strategy, with the control loop measuring the rollout's analysis on this process's
 * traffic. Host, port and serving options come from the environment; flags given override them.
 */
import { pino, type Logger } from 'pino';
import { createDeployService, EnvironmentRuntime, environmentWorkersUnsupported, findEnvironment, loadEnvironments, openRolloutStore, environmentSnapshotPath, writeEnvironmentSnapshot, type DeployService, type EnvironmentSnapshot } from '../../deploy/index.js';
import { formatModelUri, type RegistryService } from '../../registry/index.js';
import { joinEnvironmentFeedback, LiveWindow, runServer, ServedModel, type ModelResolver } from '../../serving/index.js';
import { workspacePredictionLogDir, type WorkspaceServices } from '../../workspace/index.js';
import { cliActor, withServices, type CliContext } from '../services.js';

/** The flags of `sluice serve` as parsed; those left unset take the environment's values. */
export interface EnvironmentServeFlags {
  readonly env: string;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly workers?: number | undefined;
  readonly maxBatchSize?: number | undefined;
  readonly maxBatchDelayMs?: number | undefined;
  readonly maxInFlight: number;
  readonly maxBodyMb: number;
  /** A directory, false for none, undefined for the workspace's default. */
  readonly predictionLog?: string | false | undefined;
  readonly predictionLogMaxMb: number;
  readonly predictionLogMaxAgeDays: number;
  readonly followInterval: number;
  readonly quiet: boolean;
}

/** The deploy service, raising each alert (a failed analysis) as a warn line in the server log and on stderr. */
function alertingDeployService(services: WorkspaceServices, registry: RegistryService, logger: Logger | undefined, cli: CliContext): DeployService {
  return createDeployService({
    store: openRolloutStore(services.store.connection),
    registry,
    config: loadEnvironments(services.workspace.root),
    onAlert: (message, rollout) => {
      logger?.warn({ alert: true, rollout: rollout.id, candidate_version: rollout.candidateVersion }, message);
      cli.stderr.write(`sluice: ALERT ${rollout.environment}: ${message}\n`);
    },
  });
}

/** Keeps the snapshot `sluice rollout status` reads; a failed write is a warning, never a stop. */
function snapshotWriter(path: string, warn: (message: string) => void): (snapshot: EnvironmentSnapshot) => void {
  return (snapshot) => {
    try {
      writeEnvironmentSnapshot(path, snapshot);
    } catch (error) {
      warn(`the environment snapshot for \`sluice rollout status\` was not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

export async function serveEnvironment(flags: EnvironmentServeFlags, version: string, cli: CliContext): Promise<number> {
  return withServices(cli, async (services) => {
    const environment = findEnvironment(loadEnvironments(services.workspace.root), flags.env);
    const workers = flags.workers ?? environment.serving.workers ?? 1;
    if (workers > 1) throw environmentWorkersUnsupported({ environment: environment.name, workers });
    const logger = flags.quiet ? undefined : pino({ base: { pid: process.pid, environment: environment.name } }, pino.destination({ fd: 2, sync: false }));
    const warn = (message: string) => {
      if (logger) logger.warn(message);
      else cli.stderr.write(`sluice: warning: ${message}\n`);
    };
    const registry = services.registry(cliActor());
    const deploy = alertingDeployService(services, registry, logger, cli);
    const resolveModel = services.models(cliActor());
    const resolver: ModelResolver = async (reference) => {
      const found = await resolveModel(reference);
      return { path: found.path, registeredName: found.version?.name, version: found.version && String(found.version.version) };
    };
    const batching = { maxBatchSize: flags.maxBatchSize ?? environment.serving.maxBatchSize ?? 32, maxDelayMs: flags.maxBatchDelayMs ?? environment.serving.maxBatchDelayMs ?? 0 };
    const aliasUri = formatModelUri(environment.model, environment.alias);
    const live = new LiveWindow();
    const runtime = new EnvironmentRuntime({
      environment: environment.name,
      model: environment.model,
      alias: environment.alias,
      deploy,
      live,
      loadVersion: async (modelVersion) => {
        const reference = formatModelUri(environment.model, modelVersion);
        return ServedModel.load(environment.model, reference, await resolver(reference), batching);
      },
      aliasVersion: async () => (await registry.findVersion(aliasUri))?.version,
      log: { info: (message) => logger?.info(message), warn },
      onState: snapshotWriter(environmentSnapshotPath(services.workspace.root, environment.name), warn),
    });
    await runtime.start();
    const predictionLogDir = flags.predictionLog === false || environment.serving.predictionLog === false ? undefined : flags.predictionLog || workspacePredictionLogDir(services.workspace.root);
    let server;
    try {
      // The model set answers metadata and readiness; the runtime answers inference.
      const stable = runtime.describe().stableVersion!;
      const reference = (await registry.findVersion(aliasUri)) ? aliasUri : formatModelUri(environment.model, stable);
      server = await runServer({
        models: [{ name: environment.model, reference }],
        resolver,
        host: flags.host ?? environment.host,
        port: flags.port ?? environment.port,
        maxBatchSize: batching.maxBatchSize,
        maxBatchDelayMs: batching.maxDelayMs,
        maxInFlight: flags.maxInFlight,
        bodyLimit: Math.round(flags.maxBodyMb * 1024 * 1024),
        predictionLogDir,
        predictionLogRetention: { maxBytes: flags.predictionLogMaxMb * 1024 * 1024, maxAgeMs: flags.predictionLogMaxAgeDays * 86_400_000 },
        followIntervalSeconds: flags.followInterval,
        adminToken: process.env.SLUICE_ADMIN_TOKEN || undefined,
        version,
        logger,
        router: runtime,
        live,
        feedback: async (body, predictionLog) => joinEnvironmentFeedback(live, predictionLog, body),
      });
    } catch (error) {
      await runtime.close();
      throw error;
    }
    const described = runtime.describe();
    cli.stderr.write(
      `Serving environment ${environment.name} (${environment.model}: stable v${described.stableVersion}${described.candidateVersion === undefined ? '' : `, candidate v${described.candidateVersion}`}) at ${server.url}; feedback: POST /feedback, state: GET /environment. Ctrl-C or SIGTERM stops it.\n`,
    );
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    await runtime.close();
    logger?.flush();
    return 0;
  });
}

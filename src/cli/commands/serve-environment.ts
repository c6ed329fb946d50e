/**
 * `sluice serve --env NAME`: serves an environment declared under `deploy:` in sluice.yaml, in
 * the foreground: its stable version and, during a rollout, the candidate, routed per request by
 * the rollout's strategy, with the control loop measuring the rollout's analysis on this process's
 * traffic. Host, port and serving options come from the environment; flags given override them.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { createDeployService, EnvironmentRuntime, findEnvironment, loadEnvironments, openRolloutStore, environmentSnapshotPath, writeEnvironmentSnapshot, type DeployService, type EnvironmentDescription, type EnvironmentRuntimeOptions, type EnvironmentSnapshot, type EnvironmentSpec } from '../../deploy/index.js';
import type { RuntimeChoice } from '../../inference/index.js';
import { formatModelUri, type RegistryService } from '../../registry/index.js';
import { accessLog, joinEnvironmentFeedback, LiveWindow, runServer, ServedModel, type ModelResolver, type RunServerOptions } from '../../serving/index.js';
import { workspacePredictionLogDir, type WorkspaceServices } from '../../workspace/index.js';
import { createMonitorGauges, loadMonitors, openMonitorStore } from '../../monitoring/index.js';
import { cliActor, withServices, type CliContext } from '../services.js';
import { startMonitorSidecar, type MonitorSidecar, type SidecarOutput } from './monitor-sidecar.js';

/** The flags of `sluice serve` as parsed; those left unset take the environment's values. */
export interface EnvironmentServeFlags {
  readonly env: string;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly workers?: number | undefined;
  readonly maxBatchSize?: number | undefined;
  readonly maxBatchDelayMs?: number | undefined;
  readonly runtime: RuntimeChoice;
  readonly maxInFlight: number;
  readonly maxBodyMb: number;
  /** A directory, false for none, undefined for the workspace's default. */
  readonly predictionLog?: string | false | undefined;
  readonly predictionLogMaxMb: number;
  readonly predictionLogMaxAgeDays: number;
  readonly followInterval: number;
  readonly quiet: boolean;
  /** Run the environment's monitor in the server (when sluice.yaml has one). */
  readonly monitor: boolean;
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

/** What every process serving an environment (one, a primary, a worker) builds from the workspace and flags. */
export interface EnvironmentSetup {
  readonly services: WorkspaceServices;
  readonly environment: EnvironmentSpec;
  readonly workers: number;
  readonly logger: Logger | undefined;
  /** Writes what the access log still buffers (at exit). */
  readonly closeLog: () => void;
  readonly warn: (message: string) => void;
  readonly registry: RegistryService;
  readonly resolver: ModelResolver;
  readonly aliasUri: string;
  /** A runtime: controlling (no loadVersion) or serving (loads models; `live` for its analysis). */
  runtime(options: { live: LiveWindow | undefined; serving: boolean; onRouting?: EnvironmentRuntimeOptions['onRouting'] }): EnvironmentRuntime;
  /**
   * The environment's monitor running in this process (the one that serves, or the primary), when
   * sluice.yaml has a monitor for it: windows close as traffic flows.
   */
  startMonitor(): MonitorSidecar | undefined;
  /** The server's options, routed by `router`, recording to `live`, joining feedback with `feedback`. */
  serverOptions(extra: Pick<RunServerOptions, 'router' | 'live' | 'feedback'>, stableVersion: number): Promise<RunServerOptions>;
}

function prepare(services: WorkspaceServices, flags: EnvironmentServeFlags, version: string, cli: CliContext): EnvironmentSetup {
  const environment = findEnvironment(loadEnvironments(services.workspace.root), flags.env);
  // The same access log as plain `sluice serve`: buffered, off the request path.
  const access = flags.quiet ? undefined : accessLog({ environment: environment.name });
  const logger = access?.logger;
  const warn = (message: string) => {
    if (logger) logger.warn(message);
    else cli.stderr.write(`sluice: warning: ${message}\n`);
  };
  const registry = services.registry(cliActor());
  const resolveModel = services.models(cliActor());
  const resolver: ModelResolver = async (reference) => {
    const found = await resolveModel(reference);
    return { path: found.path, registeredName: found.version?.name, version: found.version && String(found.version.version) };
  };
  const batching = { maxBatchSize: flags.maxBatchSize ?? environment.serving.maxBatchSize ?? 32, maxDelayMs: flags.maxBatchDelayMs ?? environment.serving.maxBatchDelayMs ?? 0 };
  const aliasUri = formatModelUri(environment.model, environment.alias);
  return {
    services,
    environment,
    workers: flags.workers ?? environment.serving.workers ?? 1,
    logger,
    closeLog: () => access?.close(),
    warn,
    registry,
    resolver,
    aliasUri,
    runtime: ({ live, serving, onRouting }) =>
      new EnvironmentRuntime({
        environment: environment.name,
        model: environment.model,
        alias: environment.alias,
        deploy: alertingDeployService(services, registry, logger, cli),
        live: live ?? new LiveWindow({ requests: 1, rows: 1, pending: 1, labelled: 1 }),
        loadVersion: serving
          ? async (modelVersion) => {
              const reference = formatModelUri(environment.model, modelVersion);
              return ServedModel.load(environment.model, reference, await resolver(reference), batching, { runtime: flags.runtime });
            }
          : undefined,
        onRouting,
        aliasVersion: async () => (await registry.findVersion(aliasUri))?.version,
        log: { info: (message) => logger?.info(message), warn },
        onState: serving && !live ? undefined : snapshotWriter(environmentSnapshotPath(services.workspace.root, environment.name), warn),
      }),
    startMonitor: () => startEnvironmentMonitor(services, environment, flags, { logger, warn, cli }),
    serverOptions: async (extra, stableVersion) => ({
      // The model set answers metadata and readiness; the runtime answers inference.
      models: [{ name: environment.model, reference: (await registry.findVersion(aliasUri)) ? aliasUri : formatModelUri(environment.model, stableVersion) }],
      resolver,
      host: flags.host ?? environment.host,
      port: flags.port ?? environment.port,
      maxBatchSize: batching.maxBatchSize,
      maxBatchDelayMs: batching.maxDelayMs,
      runtime: flags.runtime,
      maxInFlight: flags.maxInFlight,
      bodyLimit: Math.round(flags.maxBodyMb * 1024 * 1024),
      predictionLogDir: flags.predictionLog === false || environment.serving.predictionLog === false ? undefined : flags.predictionLog || workspacePredictionLogDir(services.workspace.root, environment.name),
      predictionLogRetention: { maxBytes: flags.predictionLogMaxMb * 1024 * 1024, maxAgeMs: flags.predictionLogMaxAgeDays * 86_400_000 },
      followIntervalSeconds: flags.followInterval,
      extraMetrics: monitorMetrics(services, environment.name),
      adminToken: process.env.SLUICE_ADMIN_TOKEN || undefined,
      version,
      logger,
      ...extra,
    }),
  };
}

/**
 * The environment's monitor, in a process of its own (see monitor-sidecar.ts), when sluice.yaml
 * has one for it and predictions are logged: windows close as traffic flows.
 */
function startEnvironmentMonitor(services: WorkspaceServices, environment: EnvironmentSpec, flags: EnvironmentServeFlags, out: SidecarOutput): MonitorSidecar | undefined {
  if (!flags.monitor) return undefined;
  const { name } = environment;
  const logOff = flags.predictionLog === false || environment.serving.predictionLog === false;
  // Without a log there is nothing to monitor: a monitor section that does not load then does not stop serving.
  let declared: boolean;
  try {
    declared = loadMonitors(services.workspace.root).monitors.has(name);
  } catch (error) {
    if (logOff) return undefined;
    throw error;
  }
  if (!declared) return undefined;
  // A declared monitor that cannot see the traffic is said to be off, not left silently idle.
  if (logOff) {
    out.warn(`the monitor of ${name} is off: predictions are not logged (--no-prediction-log, or serving.predictionLog: false in sluice.yaml), and it judges the logged ones`);
    return undefined;
  }
  const monitored = workspacePredictionLogDir(services.workspace.root, name);
  if (flags.predictionLog && resolve(flags.predictionLog) !== resolve(monitored)) {
    out.warn(`the monitor of ${name} is off: it reads the log in ${monitored}, and --prediction-log writes it to ${resolve(flags.predictionLog)}; drop --prediction-log to monitor this environment`);
    return undefined;
  }
  return startMonitorSidecar(services.workspace.root, name, out);
}

/** The monitor's gauges on the server's /metrics, read from the store at each scrape, when the environment has a monitor. */
function monitorMetrics(services: WorkspaceServices, environment: string): (() => Promise<string>) | undefined {
  if (!loadMonitors(services.workspace.root).monitors.has(environment)) return undefined;
  const gauges = createMonitorGauges(openMonitorStore(services.store.connection), [environment]);
  return () => gauges.metrics();
}

/** The line a started environment prints (tests read its address). */
export function environmentBanner(setup: EnvironmentSetup, described: EnvironmentDescription, url: string, workers: number): string {
  const versions = `stable v${described.stableVersion}${described.candidateVersion === undefined ? '' : `, candidate v${described.candidateVersion}`}`;
  return `Serving environment ${setup.environment.name} (${setup.environment.model}: ${versions}) at ${url}${workers > 1 ? ` on ${workers} workers` : ''}; feedback: POST /feedback, state: GET /environment. Ctrl-C or SIGTERM stops it.\n`;
}

export function untilSignal(): Promise<void> {
  return new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export async function serveEnvironment(flags: EnvironmentServeFlags, version: string, cli: CliContext): Promise<number> {
  return withServices(cli, async (services) => {
    const setup = prepare(services, flags, version, cli);
    if (setup.workers > 1) return (await import('./serve-environment-cluster.js')).serveEnvironmentInCluster(setup, cli);
    const live = new LiveWindow();
    const runtime = setup.runtime({ live, serving: true });
    await runtime.start();
    let server;
    try {
      server = await runServer(await setup.serverOptions({ router: runtime, live, feedback: async (body, predictionLog) => joinEnvironmentFeedback(live, predictionLog, body) }, runtime.describe().stableVersion!));
    } catch (error) {
      await runtime.close();
      throw error;
    }
    cli.stderr.write(environmentBanner(setup, runtime.describe(), server.url, 1));
    const monitor = setup.startMonitor();
    await untilSignal();
    await server.close();
    // The log is flushed: the monitor's last pass closes the windows that are complete.
    await monitor?.stop();
    await runtime.close();
    setup.closeLog();
    return 0;
  });
}

/**
 * The monitoring workflows a command, a schedule or the server run: one pass of every monitor (or
 * one) over its environment's prediction log, with the served version's signature and reference
 * resolved from the registry, alerts delivered to their channels and written to the audit log;
 * and the history of windows and alerts.
 */
import { loadOnnxModel, metadataList, predictTable } from '../inference/index.js';
import type { DeployService } from '../deploy/index.js';
import { formatModelUri, type ModelVersion, type RegistryService, type ResolveModel } from '../registry/index.js';
import { rowCodecFor } from '../serving/index.js';
import { runActions, type ActionOutcome } from './alerts/actions.js';
import { incidentSince, type IncidentContext } from './alerts/incident-note.js';
import { holds } from './judge-window.js';
import type { RetrainContext } from './alerts/retrain.js';
import { deliverAlert, type Delivery, type DeliveryOptions } from './alerts/notify.js';
import { predictionValue } from './checks/prediction-drift-check.js';
import { findMonitor, type Monitor, type MonitorConfig } from './config/load-monitors.js';
import { nothingServed, unknownMonitorColumn } from './errors.js';
import { didYouMean } from '../core/index.js';
import { loadReference, type ObjectLookup, type ResolvedReference } from './reference-data.js';
import type { ServedSignature } from './log/logged-rows.js';
import { runMonitorPass, type MonitorPass } from './run-monitor.js';
import { DecodedLogTail } from './log/decoded-log-tail.js';
import { prewarmLogDecoder } from './log/parallel-decode.js';
import type { MonitorAlert, MonitorStore, MonitorWindow } from './store/monitor-store.js';
import { buildMonitorReport, type MonitorReport, type MonitorReportQuery } from './report/monitor-report-data.js';

export interface MonitorServiceOptions {
  readonly root: string;
  readonly config: MonitorConfig;
  readonly store: MonitorStore;
  readonly deploy: DeployService;
  readonly registry: RegistryService;
  readonly resolveModel: ResolveModel;
  readonly objects: ObjectLookup;
  /** An environment's prediction-log directory. */
  readonly logDirOf: (environment: string) => string;
  readonly delivery?: DeliveryOptions;
  /** What the `retrain` action runs with (the CLI gives the workspace's services). */
  readonly retrain?: RetrainContext | undefined;
  readonly now?: () => number;
  /**
   * Passes follow one another (a loop inside the server, a schedule): the monitor keeps its place
   * in the log between them and each decodes only what was logged since (see DecodedLogTail). A
   * single pass (`sluice monitor run`) reads the unread log at once.
   */
  readonly watch?: boolean;
}

export interface MonitorRunReport extends MonitorPass {
  readonly environment: string;
  readonly version: string;
  readonly reference: string;
  readonly deliveries: readonly { readonly alert: string; readonly deliveries: readonly Delivery[]; readonly actions: readonly ActionOutcome[] }[];
}

/** The served version's side of a pass (see servedContext). */
interface ServedContext {
  readonly uri: string;
  readonly model: string;
  readonly version: number;
  readonly registeredMetrics: Readonly<Record<string, number>> | undefined;
  readonly signature: ServedSignature;
  readonly reference: ResolvedReference;
  readonly referencePredictions: Float64Array | undefined;
}

/** A monitor whose pass failed (its model cannot load, its reference is gone): the others still ran. */
export interface MonitorPassFailure {
  readonly environment: string;
  readonly error: unknown;
}

/** What one pass over the monitors gave: a report for each that ran, and those that failed. */
export interface MonitorPasses {
  readonly reports: readonly MonitorRunReport[];
  readonly failures: readonly MonitorPassFailure[];
}

export interface MonitorService {
  /**
   * One pass of the named monitor, or of every monitor. A monitor that fails does not stop the
   * others: environments are independent, and one broken model must not blind the rest.
   */
  run(environment?: string): Promise<MonitorPasses>;
  history(environment: string, options?: { limit?: number }): Promise<MonitorWindow[]>;
  alerts(environment: string, options?: { limit?: number }): Promise<MonitorAlert[]>;
  /** A monitor's windows (the newest `limit`, or those since a time) as series, with their alerts: what `sluice monitor report` renders. */
  report(environment: string, query?: MonitorReportQuery): Promise<MonitorReport>;
}

export function createMonitorService(options: MonitorServiceOptions): MonitorService {
  /** The version the environment serves: its stable version once a rollout recorded one, else its alias's (as `sluice serve --env` starts). */
  async function servedVersion(monitor: Monitor): Promise<ModelVersion> {
    const status = await options.deploy.status(monitor.environment);
    const stable = status.state?.stableVersion;
    const reference = stable === undefined ? `models:/${status.environment.model}@${status.environment.alias}` : formatModelUri(status.environment.model, stable);
    const version = await options.registry.findVersion(reference);
    if (!version) throw nothingServed({ environment: monitor.environment });
    return version;
  }

  /**
   * What a pass needs of the served version: its signature, the reference and the model's answers
   * on it. Kept while the environment serves the same version, so a monitor running every second
   * inside the server loads the model and the reference once, not on every pass.
   */
  const served = new Map<string, ServedContext>();

  async function servedContext(monitor: Monitor): Promise<ServedContext> {
    const version = await servedVersion(monitor);
    const uri = formatModelUri(version.name, version.version);
    const cached = served.get(monitor.environment);
    if (cached?.uri === uri) return cached;
    const resolved = await options.resolveModel(uri);
    const model = await loadOnnxModel(resolved.path);
    try {
      const features = rowCodecFor(model, version.name).features.map((feature) => feature.name);
      checkColumns(options.config, monitor, uri, features);
      const classes = metadataList(model.metadata, 'classes');
      const reference = await loadReference(monitor.reference, options.root, version, options.objects, monitor.environment);
      let referencePredictions: Float64Array | undefined;
      if (monitor.checks.prediction_drift) {
        const { predictions } = await predictTable(model, reference.table, { exclude: reference.table.columns.map((column) => column.name).filter((name) => !features.includes(name)), modelName: version.name });
        referencePredictions =
          predictions.kind === 'values'
            ? predictions.values
            : Float64Array.from({ length: predictions.probabilities.length / predictions.classes.length }, (_, row) =>
                predictionValue(Object.fromEntries(predictions.classes.map((name, c) => [name, predictions.probabilities[row * predictions.classes.length + c]!])), monitor.checks.prediction_drift?.output, classes ?? predictions.classes),
              );
      }
      const context: ServedContext = { uri, model: version.name, version: version.version, registeredMetrics: version.lineage?.metrics, signature: { features, classes }, reference, referencePredictions };
      served.set(monitor.environment, context);
      return context;
    } finally {
      await model.release();
    }
  }

  const tailOf = options.watch ? keptTails(options.logDirOf) : () => undefined;

  async function runOne(monitor: Monitor): Promise<MonitorRunReport> {
    // The log's second thread loads its code while the model and the reference load.
    if (!options.watch) prewarmLogDecoder(options.logDirOf(monitor.environment), await options.store.position(monitor.environment));
    const context = await servedContext(monitor);
    const pass = await runMonitorPass({
      monitor,
      logDir: options.logDirOf(monitor.environment),
      signature: context.signature,
      reference: context.reference.table,
      referencePredictions: context.referencePredictions,
      registeredMetrics: context.registeredMetrics,
      store: options.store,
      now: options.now,
      tail: tailOf(monitor.environment, context),
    });
    const deliveries = [];
    for (const { alert, rule, sample } of pass.alerts) {
      await options.registry.audit('monitor.alert', `environment:${alert.environment}`, { rule: alert.rule, severity: alert.severity, window: alert.windowId, message: alert.message });
      const delivered = await deliverAlert(alert, rule.notify, options.delivery);
      const incident = async (): Promise<IncidentContext> => {
        const windows = await options.store.windows(monitor.environment, { limit: INCIDENT_WINDOW_LIMIT });
        return { since: incidentSince(windows, alert.windowId, (window) => holds(rule, contextOf(window)), windows.length === INCIDENT_WINDOW_LIMIT), sample };
      };
      const actions = await runActions(rule.actions, alert, { root: options.root, deploy: options.deploy, served: { model: context.model, version: context.version }, retrain: options.retrain, incident });
      for (const action of actions) await options.registry.audit(`monitor.action.${action.action}`, `environment:${alert.environment}`, { rule: alert.rule, ok: action.ok, message: action.message });
      deliveries.push({ alert: alert.id, deliveries: delivered, actions });
    }
    return { ...pass, environment: monitor.environment, version: context.uri, reference: context.reference.source, deliveries };
  }

  return {
    async run(environment) {
      const monitors = environment === undefined ? [...options.config.monitors.values()] : [findMonitor(options.config, environment)];
      return runEach(monitors, runOne);
    },
    history: (environment, query) => options.store.windows(findMonitor(options.config, environment).environment, query),
    alerts: (environment, query) => options.store.alerts(findMonitor(options.config, environment).environment, query),
    report: (environment, query = {}) => buildMonitorReport(options.store, findMonitor(options.config, environment), query, (options.now ?? Date.now)()),
  };
}

/** Windows an incident note looks back through for the first on which its rule held. */
const INCIDENT_WINDOW_LIMIT = 500;

/** What a rule's condition sees of a stored window: each check's values by its name. */
function contextOf(window: MonitorWindow): Record<string, unknown> {
  return Object.fromEntries(window.results.map((result) => [result.check, result.values]));
}

/** Every monitor's pass in turn, a failure kept beside the reports rather than ending the others. */
async function runEach(monitors: readonly Monitor[], runOne: (monitor: Monitor) => Promise<MonitorRunReport>): Promise<MonitorPasses> {
  const reports: MonitorRunReport[] = [];
  const failures: MonitorPassFailure[] = [];
  for (const monitor of monitors) {
    try {
      reports.push(await runOne(monitor));
    } catch (error) {
      failures.push({ environment: monitor.environment, error });
    }
  }
  return { reports, failures };
}

/** Each watched environment's place in its log (see DecodedLogTail), for the version it serves. */
function keptTails(logDirOf: (environment: string) => string): (environment: string, context: ServedContext) => DecodedLogTail {
  const tails = new Map<string, { readonly uri: string; readonly tail: DecodedLogTail }>();
  return (environment, context) => {
    const kept = tails.get(environment);
    if (kept?.uri === context.uri) return kept.tail;
    // Another version serves: its signature decodes the log from the stored position afresh.
    const tail = new DecodedLogTail(logDirOf(environment), context.signature);
    tails.set(environment, { uri: context.uri, tail });
    return tail;
  };
}

/** The columns a check names must be inputs of the served model: reported at their line in sluice.yaml. */
function checkColumns(config: MonitorConfig, monitor: Monitor, version: string, features: readonly string[]): void {
  const drift = monitor.checks.data_drift;
  for (const key of ['columns', 'exclude'] as const) {
    drift?.[key]?.forEach((column, index) => {
      if (features.includes(column)) return;
      throw unknownMonitorColumn(
        { environment: monitor.environment, check: `data_drift.${key}`, column, version, features, suggestion: didYouMean(column, features) },
        { location: config.document.locate(['monitor', monitor.environment, 'checks', 'data_drift', key, index]) },
      );
    });
  }
}

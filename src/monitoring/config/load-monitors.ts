/**
 * Reading the `monitor:` section of `sluice.yaml`, every mistake reported at its line: the schema,
 * and what a schema cannot say: each monitor watches an environment of `deploy:`, metrics are
 * ones evaluation computes, and alert conditions parse and name only checks the monitor runs.
 * Column names are checked when a window runs, against the served model's signature.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, parseLocatedYaml, validateWithSchema, type LocatedDocument } from '../../core/index.js';
import { compileCondition, ConditionSyntaxError, parseEnvironments, type Condition } from '../../deploy/index.js';
import { TASK_METRICS } from '../../evaluation/index.js';
import { PIPELINE_FILE, pipelineFileMissing } from '../../workspace/index.js';
import { actionNotAvailable, duplicateAlertName, invalidAlertCondition, monitorEnvironmentNotFound, monitorNotFound, noChecks, unknownMonitorMetric } from '../errors.js';
import { monitorSectionSchema, type AlertRuleSpec, type MonitorChecks, type MonitorSpec } from './monitor-schema.js';

/** The check names, as alert conditions see them. */
export const CHECK_NAMES = ['data_drift', 'prediction_drift', 'performance', 'concept_drift', 'data_quality', 'slo'] as const satisfies readonly (keyof MonitorChecks)[];

/** An alert rule with its condition compiled. */
export interface AlertRule extends AlertRuleSpec {
  readonly condition: Condition;
}

/** A monitor as the engine runs it. */
export interface Monitor extends Omit<MonitorSpec, 'alerts'> {
  readonly alerts: readonly AlertRule[];
}

export interface MonitorConfig {
  readonly monitors: ReadonlyMap<string, Monitor>;
  readonly document: LocatedDocument;
}

const EVALUATION_METRICS: readonly string[] = [...new Set(Object.values(TASK_METRICS).flat())];

/** Loads the `monitor:` section of `<root>/sluice.yaml` (no section: no monitors). */
export function loadMonitors(root: string): MonitorConfig {
  const file = join(root, PIPELINE_FILE);
  if (!existsSync(file)) throw pipelineFileMissing({ root });
  return parseMonitors(readFileSync(file, 'utf8'));
}

/** Parses sluice.yaml text as `loadMonitors` does. */
export function parseMonitors(text: string, file: string = PIPELINE_FILE): MonitorConfig {
  const document = parseLocatedYaml(text, file);
  const top = document.value !== null && typeof document.value === 'object' ? (document.value as Record<string, unknown>) : {};
  const raw = top.monitor;
  const parsed = raw === undefined || raw === null ? {} : validateWithSchema(monitorSectionSchema, raw, document, { pathPrefix: ['monitor'] });
  const environments = [...parseEnvironments(text, file).environments.keys()];
  const monitors = new Map<string, Monitor>();
  for (const [name, spec] of Object.entries(parsed)) {
    if (!environments.includes(name)) {
      throw monitorEnvironmentNotFound({ name, declared: environments, suggestion: didYouMean(name, environments) }, { location: document.locate(['monitor', name], { key: true }) });
    }
    const checks = CHECK_NAMES.filter((check) => spec.checks[check] !== undefined);
    if (checks.length === 0) throw noChecks({ name }, { location: document.locate(['monitor', name, 'checks']) });
    for (const check of ['performance', 'concept_drift'] as const) {
      const metric = spec.checks[check]?.metric;
      if (metric !== undefined && !EVALUATION_METRICS.includes(metric)) {
        throw unknownMonitorMetric({ check, metric, suggestion: didYouMean(metric, EVALUATION_METRICS) }, { location: document.locate(['monitor', name, 'checks', check, 'metric']) });
      }
    }
    const named = new Set<string>();
    spec.alerts.forEach((alert, index) => {
      if (named.has(alert.name)) throw duplicateAlertName({ alert: alert.name, monitor: name }, { location: document.locate(['monitor', name, 'alerts', index, 'name']) });
      named.add(alert.name);
      const retrain = alert.actions.findIndex((action) => action === 'retrain' || (typeof action === 'object' && 'retrain' in action));
      // Retraining gates its model against the served version: it needs the gates: section's model, data and rules.
      if (retrain >= 0 && top.gates === undefined) throw actionNotAvailable({ action: 'retrain', reason: 'it gates the retrained model with the gates: section of sluice.yaml, and there is none (add gates: with model, data, target and rules)' }, { location: document.locate(['monitor', name, 'alerts', index, 'actions', retrain]) });
    });
    const alerts = spec.alerts.map((alert, index): AlertRule => {
      try {
        return { ...alert, condition: compileCondition(alert.when, checks, exampleFor(checks[0]!), checkValues(spec.checks)) };
      } catch (error) {
        if (!(error instanceof ConditionSyntaxError)) throw error;
        throw invalidAlertCondition({ alert: alert.name, problem: error.message }, { location: document.locate(['monitor', name, 'alerts', index, 'when']) });
      }
    });
    monitors.set(name, { ...spec, environment: name, alerts });
  }
  return { monitors, document };
}

/** A condition over `check` to show in a message. */
/**
 * The values each check gives a condition (the `values` of checks/*-check.ts, as
 * docs/monitoring.md lists them): a condition naming another (`performance.acuracy`) could
 * never hold, so it is refused when the file loads instead of never firing.
 */
function checkValues(checks: MonitorChecks): Record<string, readonly string[]> {
  return {
    data_drift: ['judged', 'dataset_drift', 'drift_share', 'drifted_columns', 'number_of_columns', 'drifted', 'columns'],
    prediction_drift: ['judged', 'method', 'value', 'drifted', 'threshold'],
    performance: ['judged', 'metric', 'value', ...(checks.performance ? [checks.performance.metric] : []), 'labels', 'unusable_labels', 'rows'],
    concept_drift: ['judged', 'metric', 'value', 'baseline', 'baseline_source', 'delta', 'p_value', 'test', 'drifted', 'labels'],
    slo: ['judged', 'requests', 'p50_ms', 'p95_ms', 'p99_ms', 'timed', 'error_rate', 'client_error_rate', 'breached'],
    data_quality: ['judged', 'missing_share', 'out_of_schema_share', 'unknown_category_share', 'columns'],
  };
}

function exampleFor(check: (typeof CHECK_NAMES)[number]): string {
  const examples: Record<(typeof CHECK_NAMES)[number], string> = {
    data_drift: 'data_drift.dataset_drift',
    prediction_drift: 'prediction_drift.drifted',
    performance: 'performance.value < 0.9',
    concept_drift: 'concept_drift.drifted',
    data_quality: 'data_quality.missing_share > 0.05',
    slo: 'slo.p99_ms > 50',
  };
  return examples[check];
}

/** The monitor for environment `name`, or SLUICE_MONITOR_NOT_FOUND listing the declared ones. */
export function findMonitor(config: MonitorConfig, name: string): Monitor {
  const found = config.monitors.get(name);
  if (found) return found;
  const declared = [...config.monitors.keys()];
  throw monitorNotFound({ name, declared, suggestion: didYouMean(name, declared) });
}

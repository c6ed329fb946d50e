/**
 * Errors of monitoring: the `monitor:` section of sluice.yaml and `sluice monitor`.
 */
import { defineError } from '../core/index.js';

export const monitorEnvironmentNotFound = defineError<{ name: string; declared: readonly string[]; suggestion: string }>('SLUICE_MONITOR_UNKNOWN_ENVIRONMENT', {
  kind: 'invalid_input',
  description: 'A monitor is named after an environment that the `deploy:` section of sluice.yaml does not declare.',
  message: ({ name, declared }) =>
    declared.length === 0 ? `The monitor "${name}" watches an environment, but sluice.yaml declares none under deploy:.` : `The monitor "${name}" names no environment of deploy: (it declares ${declared.join(', ')}).`,
  hint: ({ suggestion, name }) => `${String(suggestion).trim()}${String(suggestion).trim() ? ' ' : ''}Name the monitor after an environment, or declare "${name}" under deploy: with its model and port.`,
});

export const monitorNotFound = defineError<{ name: string; declared: readonly string[]; suggestion: string }>('SLUICE_MONITOR_NOT_FOUND', {
  kind: 'not_found',
  description: 'The monitor named with --env is not declared under `monitor:` in sluice.yaml.',
  message: ({ name, declared }) => (declared.length === 0 ? `sluice.yaml declares no monitors, so there is none for "${name}".` : `sluice.yaml declares no monitor "${name}" (it declares ${declared.join(', ')}).`),
  hint: ({ suggestion, name }) => `${String(suggestion).trim()}${String(suggestion).trim() ? ' ' : ''}Pass a declared name with --env, or add one under monitor:, like\n  monitor:\n    ${name}:\n      window: {every: 500 predictions}\n      checks: {data_drift: {}}`,
});

export const noMonitorsDeclared = defineError<{ command: string }>('SLUICE_MONITOR_NONE_DECLARED', {
  kind: 'invalid_input',
  description: '`sluice monitor run` or `schedule` was run in a workspace whose sluice.yaml declares no monitor.',
  message: ({ command }) => `\`sluice ${command}\` has nothing to run: sluice.yaml has no monitor: section`,
  hint: () => 'Declare one per environment of deploy:, like\n  monitor:\n    production:\n      window: {every: 500 predictions}\n      checks: {data_drift: {}}\n(docs/monitoring.md describes every check).',
});

export const unknownMonitorMetric = defineError<{ check: string; metric: string; suggestion: string }>('SLUICE_MONITOR_UNKNOWN_METRIC', {
  kind: 'invalid_input',
  description: 'A performance or concept_drift check names a metric the evaluation module does not compute.',
  message: ({ check, metric, suggestion }) => `The ${check} check cannot measure "${metric}": it is not an evaluation metric.${suggestion}`,
  hint: () => 'Name one of the metrics listed in docs/metrics.md, like accuracy, f1, roc_auc, rmse or mae.',
});

export const duplicateAlertName = defineError<{ alert: string; monitor: string }>('SLUICE_MONITOR_DUPLICATE_ALERT', {
  kind: 'invalid_input',
  description: 'Two alert rules of one monitor have the same name: rule state (firing, cool-down) is kept by name, so the second would never fire.',
  message: ({ alert, monitor }) => `Monitor "${monitor}" has two alert rules named "${alert}".`,
  hint: () => 'Give each alert rule of a monitor its own name.',
});

export const invalidAlertCondition = defineError<{ alert: string; problem: string }>('SLUICE_MONITOR_INVALID_CONDITION', {
  kind: 'invalid_input',
  description: 'The `when:` condition of a monitor alert cannot be parsed, or names a check the monitor does not run.',
  message: ({ alert, problem }) => `The condition of alert "${alert}" is not valid: ${problem}.`,
  hint: () => 'Write an expression over the checks this monitor runs, like data_drift.dataset_drift, performance.value < 0.9 or slo.p99_ms > 50.',
});

export const noChecks = defineError<{ name: string }>('SLUICE_MONITOR_NO_CHECKS', {
  kind: 'invalid_input',
  description: 'A monitor declares no checks, so it would never find anything.',
  message: ({ name }) => `The monitor "${name}" runs no checks.`,
  hint: () => 'Add at least one under checks:, e.g. data_drift: {} or performance: {metric: accuracy, min: 0.9}.',
});

export const referenceNotFound = defineError<{ environment: string; version: string; inputs: readonly string[] }>('SLUICE_MONITOR_REFERENCE_NOT_FOUND', {
  kind: 'not_found',
  description: 'A monitor with `reference: lineage` cannot find the training data of the version its environment serves.',
  message: ({ environment, version, inputs }) =>
    inputs.length === 0
      ? `The monitor of "${environment}" compares with the training data of ${version}, but its lineage records no data file.`
      : `The monitor of "${environment}" compares with the training data of ${version} (${inputs.join(', ')}), but no copy with the recorded hash is in the workspace or the cache.`,
  hint: () => 'Give the monitor a file instead (reference: data/train.csv), or pull the data of that version (sluice data pull) so that its hash matches.',
});

export const nothingServed = defineError<{ environment: string }>('SLUICE_MONITOR_NOTHING_SERVED', {
  kind: 'not_found',
  description: 'A monitor runs for an environment that serves no version yet.',
  message: ({ environment }) => `The environment "${environment}" serves no version yet, so its monitor has nothing to watch.`,
  hint: ({ environment }) => `Deploy a version first: sluice deploy models:/NAME/VERSION --env ${environment}`,
});

export const actionNotAvailable = defineError<{ action: string; reason: string }>('SLUICE_MONITOR_ACTION_NOT_AVAILABLE', {
  kind: 'invalid_input',
  description: 'An alert rule names an action the workspace cannot carry out (retrain without a gates: section).',
  message: ({ action, reason }) => `The ${action} action cannot run here: ${reason}.`,
  hint: () => 'Add what the action needs to sluice.yaml, or use rollback or {incident: {file: PATH}} instead.',
});

export const invalidCron = defineError<{ expression: string; reason: string }>('SLUICE_MONITOR_INVALID_CRON', {
  kind: 'invalid_input',
  description: 'The cron expression given to `sluice monitor schedule --cron` cannot be parsed.',
  message: ({ expression, reason }) => `"${expression}" is not a cron expression: ${reason}.`,
  hint: () => 'Write five fields (minute hour day-of-month month day-of-week), like "*/5 * * * *" for every five minutes, or six with seconds first.',
});

export const replayFailed = defineError<{ problem: string }>('SLUICE_MONITOR_REPLAY_FAILED', {
  kind: 'invalid_input',
  description: '`sluice monitor replay` could not send a row or its label to the environment.',
  message: ({ problem }) => `The replay stopped: ${problem}.`,
  hint: () => 'Check that `sluice serve --env NAME` is running and that the file has the columns the model takes (with --labels naming the label column).',
});

export const unknownMonitorColumn = defineError<{ environment: string; check: string; column: string; version: string; features: readonly string[]; suggestion: string }>('SLUICE_MONITOR_UNKNOWN_COLUMN', {
  kind: 'invalid_input',
  description: 'A monitor check names a column that the served model does not take as input.',
  message: ({ environment, check, column, version, features }) => `The monitor of "${environment}" names column "${column}" in ${check}, but ${version} takes no such input (its inputs: ${features.slice(0, 12).join(', ')}${features.length > 12 ? `, … ${features.length} in all` : ''}).`,
  hint: ({ suggestion }) => `${String(suggestion).trim()}${String(suggestion).trim() ? ' ' : ''}Name one of the model's inputs, or remove the column from the list.`,
});

export const retrainDataDiffers = defineError<{ environment: string; differences: readonly string[] }>('SLUICE_MONITOR_RETRAIN_DATA_DIFFERS', {
  kind: 'conflict',
  description:
    'A `retrain` action found tracked data in the working copy that is not the version its pointer file names (a pointer moved by `git pull` without its data, or data edited and not added), so it did not retrain.',
  message: ({ environment, differences }) => `The retraining of "${environment}" did not start: tracked data is not the version its pointer names (${differences.join('; ')}), and a model trained on it would not match the commit.`,
  hint: () =>
    'Bring the working copy to the versions the pointers name: `sluice data checkout` restores those in the local cache, `sluice data pull` fetches and restores the others. If the edit is intended, `sluice data add PATH` records it as a new version (commit the pointer). Or give the rule `retrain: {data: REMOTE}`, so the action pulls and checks out the named versions before it trains.',
});

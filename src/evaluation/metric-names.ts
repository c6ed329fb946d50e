/**
 * The names of the metrics Sluice computes, per task: what a gate rule may name, and what
 * docs/metrics.md lists (a test checks both against what scoring returns, so they cannot drift).
 */
import { FAIRNESS_METRICS } from './fairness.js';
import { greaterIsBetter } from './gates/metric-direction.js';
import type { Task } from './task.js';

/** Metrics of the predictions, in the order evaluation reports them. */
export const TASK_METRICS: Readonly<Record<Task, readonly string[]>> = {
  binary: ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier', 'ece'],
  multiclass: [
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'precision_micro',
    'recall_micro',
    'f1_micro',
    'precision_weighted',
    'recall_weighted',
    'f1_weighted',
    'roc_auc_ovr_macro',
    'roc_auc_ovr_weighted',
    'log_loss',
    'ece',
  ],
  regression: ['mae', 'mse', 'rmse', 'r2', 'mape', 'explained_variance', 'max_error', 'median_absolute_error'],
};

/** Metrics of the model itself, measured for every task (by gates). */
export const MODEL_METRICS = ['latency_p50_ms', 'latency_p99_ms', 'model_size_bytes'] as const;

/**
 * The metrics worth tracking in git, as `{name: value}`: the task's metrics and the model's size,
 * not latency (it changes with every run) nor the detail (importance, robustness, slices).
 */
export function headlineMetrics(result: { readonly task: Task; readonly metrics: Readonly<Record<string, number>> }): Record<string, number> {
  const names = [...TASK_METRICS[result.task], 'model_size_bytes'];
  return Object.fromEntries(names.filter((name) => result.metrics[name] !== undefined).map((name) => [name, result.metrics[name]!]));
}

/** Every name a gate rule may use for a task: its metrics, the model's, and fairness for binary tasks. */
export function gateMetricNames(task: Task): readonly string[] {
  return [...TASK_METRICS[task], ...MODEL_METRICS, ...(task === 'binary' ? FAIRNESS_METRICS : [])];
}

const TASK_TITLES: Readonly<Record<Task, string>> = {
  binary: 'Binary classification',
  multiclass: 'Multiclass classification',
  regression: 'Regression',
};

function table(names: readonly string[]): string {
  return ['| Metric | Better |', '| --- | --- |', ...names.map((name) => `| \`${name}\` | ${greaterIsBetter(name) ? 'higher' : 'lower'} |`)].join('\n');
}

/** docs/metrics.md: the metric names per task, as gate rules and `sluice metrics` see them. */
export function renderMetricDocs(): string {
  const sections = (Object.keys(TASK_METRICS) as Task[]).map((task) => `## ${TASK_TITLES[task]} (\`${task}\`)\n\n${table(TASK_METRICS[task])}\n`);
  return [
    '# Metrics',
    '',
    '<!-- Generated from src/evaluation/metric-names.ts by `node scripts/metrics-doc.mjs`; a test checks it. -->',
    '',
    'The names `sluice eval` reports and a gate rule (`gates.rules[].metric` in sluice.yaml) may use.',
    'Which apply depends on the task of the model and data; a rule naming a metric the task does not',
    'have is refused with `SLUICE_GATE_UNKNOWN_METRIC` (exit 2) at its line in sluice.yaml.',
    'The direction is the default of `greater_is_better`, which a rule may override.',
    '',
    ...sections,
    '## Model metrics (every task)',
    '',
    'Measured on the model itself by `sluice gate` (and reported by `sluice eval`).',
    '',
    `${table(MODEL_METRICS)}\n`,
    '## Fairness metrics (binary tasks)',
    '',
    'Computed per group of a sensitive column; a gate rule names the column with `sensitive:`.',
    '',
    `${table(FAIRNESS_METRICS)}\n`,
  ].join('\n');
}

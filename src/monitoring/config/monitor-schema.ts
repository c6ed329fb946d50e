/**
 * The `monitor:` section of `sluice.yaml`: one monitor per deployment environment, each closing a
 * window of served predictions at a time and running checks over it (Evidently's report families:
 * data drift, prediction drift, performance on feedback labels, data quality; plus concept drift
 * against the registered evaluation, and service-level objectives), then alert rules over the
 * results.
 *
 *   monitor:
 *     production:                      # an environment of deploy:
 *       window: {every: 500 predictions, min_rows: 100}
 *       reference: lineage             # the served version's training data; or a file
 *       checks:
 *         data_drift: {method: auto, drift_share: 0.5}
 *         performance: {metric: accuracy, min: 0.9, min_labels: 50}
 *       alerts:
 *         - {name: drift, when: data_drift.dataset_drift, severity: warning, cooldown: 1h}
 */
import { z } from 'zod';
import { CORRECTIONS, DRIFT_METHODS } from '../../data/index.js';
import { durationSchema } from '../../deploy/index.js';

export const MONITOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const PREDICTIONS = /^(\d+)\s*predictions?$/;

/**
 * When a window closes: after a number of predictions (`500 predictions`) or a span of time
 * (`10m`, as deploy's durations). Parsed once here into a tagged value.
 */
export const windowEverySchema = z.union([z.int().positive(), z.string()], { error: 'every is a number of predictions (500 predictions) or a duration (10m, 1h)' }).transform((value, context) => {
  if (typeof value === 'number') return { kind: 'predictions' as const, count: value };
  const count = PREDICTIONS.exec(value.trim());
  if (count) {
    const parsed = Number(count[1]);
    if (parsed > 0) return { kind: 'predictions' as const, count: parsed };
  }
  const duration = durationSchema.safeParse(value);
  if (duration.success && duration.data > 0) return { kind: 'time' as const, ms: duration.data };
  context.addIssue({ code: 'custom', message: `"${value}" is not a window: write a number of predictions (500 predictions) or a duration (10m, 1h)` });
  return z.NEVER;
});

export const windowSchema = z.strictObject({
  every: windowEverySchema,
  /** A window with fewer rows is not judged (its checks say "not enough data"). */
  min_rows: z.int().positive().default(100),
  /** For this long after a window closes, labels that arrive later re-score its performance. */
  rescore_within: durationSchema.default(86_400_000),
});

/** Where the reference data comes from: the served version's training data (through lineage), or a file. */
export const referenceSchema = z.union([z.literal('lineage'), z.strictObject({ path: z.string().min(1) }), z.string().min(1).transform((path) => ({ path }))], {
  error: 'reference is lineage (the served version\'s training data) or a path to a CSV, Parquet or JSON-lines file',
});

const dataDriftSchema = z.strictObject({
  method: z.enum(['auto', ...DRIFT_METHODS]).default('auto'),
  threshold: z.number().positive().optional(),
  correction: z.enum(CORRECTIONS).optional(),
  drift_share: z.number().gt(0).max(1).default(0.5),
  columns: z.array(z.string().min(1)).optional(),
  exclude: z.array(z.string().min(1)).optional(),
});

export const PREDICTION_DRIFT_METHODS = ['psi', 'ks', 'wasserstein', 'jensenshannon'] as const;

const predictionDriftSchema = z.strictObject({
  method: z.enum(PREDICTION_DRIFT_METHODS).default('psi'),
  /** Drifted at or above this distance (for ks, the two-sample statistic D). */
  threshold: z.number().positive().default(0.2),
  /** The prediction output compared (default: the positive class's probability, or the value). */
  output: z.string().min(1).optional(),
});

const performanceSchema = z
  .strictObject({
    metric: z.string().min(1),
    /** The metric must stay at or above (`min`) or at or below (`max`) this value. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Fewer labelled rows than this: not judged. */
    min_labels: z.int().positive().default(50),
  })
  .refine((value) => value.min === undefined || value.max === undefined, { message: 'performance takes min or max, not both' });

const conceptDriftSchema = z.strictObject({
  metric: z.string().min(1),
  /** Significance of the test against the performance at registration. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  min_labels: z.int().positive().default(50),
  /** The performance at registration, when the served version's lineage records none. */
  baseline: z.number().optional(),
});

const dataQualitySchema = z.strictObject({
  max_missing_share: z.number().min(0).max(1).optional(),
  max_out_of_schema_share: z.number().min(0).max(1).optional(),
  max_unknown_category_share: z.number().min(0).max(1).optional(),
});

const sloSchema = z.strictObject({
  p99_ms: z.number().positive().optional(),
  error_rate: z.number().min(0).max(1).optional(),
});

export const checksSchema = z.strictObject({
  data_drift: dataDriftSchema.optional(),
  prediction_drift: predictionDriftSchema.optional(),
  performance: performanceSchema.optional(),
  concept_drift: conceptDriftSchema.optional(),
  data_quality: dataQualitySchema.optional(),
  slo: sloSchema.optional(),
});

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

const channelSchema = z.union(
  [z.strictObject({ webhook: z.url() }), z.strictObject({ slack: z.url() }), z.strictObject({ email: z.email() })],
  { error: 'a notify channel is {webhook: URL}, {slack: URL} or {email: ADDRESS}' },
);

const actionSchema = z.union(
  [
    z.literal('rollback'),
    z.literal('retrain'),
    z.strictObject({ retrain: z.strictObject({ then: z.literal('deploy').optional(), data: z.string().min(1).optional() }) }),
    z.strictObject({ incident: z.strictObject({ file: z.string().min(1).optional(), webhook: z.url().optional() }) }),
  ],
  { error: 'an action is rollback, retrain, {retrain: {then: deploy}} or {incident: {file: PATH}}' },
);

export const alertRuleSchema = z.strictObject({
  name: z.string().regex(MONITOR_NAME, 'an alert name is letters, digits, _ and -'),
  /** A condition over the window's results, e.g. `data_drift.dataset_drift` or `performance.accuracy < 0.9`. */
  when: z.string().min(1),
  severity: z.enum(SEVERITIES).default('warning'),
  /** After firing, the rule stays quiet this long while the condition holds (de-duplication). */
  cooldown: durationSchema.default(3_600_000),
  notify: z.array(channelSchema).default([]),
  actions: z.array(actionSchema).default([]),
});

export const monitorSchema = z.strictObject({
  window: windowSchema,
  reference: referenceSchema.default('lineage'),
  checks: checksSchema,
  alerts: z.array(alertRuleSchema).default([]),
});

export const monitorSectionSchema = z.record(z.string().regex(MONITOR_NAME, 'a monitor is named after its environment: letters, digits, _ and -'), monitorSchema, {
  error: 'monitor must be a mapping of environment names to monitors, like production: {window: {every: 500 predictions}, checks: {data_drift: {}}}',
});

export type MonitorSpec = z.output<typeof monitorSchema> & { readonly environment: string };
export type WindowEvery = z.output<typeof windowEverySchema>;
export type MonitorChecks = z.output<typeof checksSchema>;
export type AlertRuleSpec = z.output<typeof alertRuleSchema>;
export type AlertAction = z.output<typeof actionSchema>;
export type NotifyChannel = z.output<typeof channelSchema>;
export type MonitorReference = z.output<typeof referenceSchema>;

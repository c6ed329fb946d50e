/**
 * The `gates:` section of sluice.yaml (or of a file given with `sluice gate --config`).
 * Rule fields follow MLflow's MetricThreshold where they share a name.
 */
import { z } from 'zod';
import { FAIRNESS_METRICS } from '../fairness.js';

export const gateRuleSchema = z
  .strictObject({
    metric: z.string().min(1),
    /** The candidate must reach at least this value. */
    min: z.number().optional(),
    /** The candidate must not exceed this value. */
    max: z.number().optional(),
    /** MLflow's `threshold`: ≥ when higher is better, ≤ otherwise. */
    threshold: z.number().optional(),
    /** No worse than the baseline by more than this (absolute). */
    max_regression: z.number().nonnegative().optional(),
    /** No worse than the baseline by more than this fraction of it. */
    max_relative_regression: z.number().nonnegative().optional(),
    /** MLflow: better than the baseline by at least this much. */
    min_absolute_change: z.number().positive().optional(),
    /** MLflow: better than the baseline by at least this fraction of it (0 to 1). */
    min_relative_change: z.number().min(0).max(1).optional(),
    /** Overrides the metric's known direction. */
    greater_is_better: z.boolean().optional(),
    /** The change against the baseline must be significant at this level (paired bootstrap). */
    significance: z.number().gt(0).lt(1).optional(),
    /** For fairness metrics: the sensitive column. */
    sensitive: z.string().min(1).optional(),
  })
  .refine(
    (rule) =>
      [rule.min, rule.max, rule.threshold, rule.max_regression, rule.max_relative_regression, rule.min_absolute_change, rule.min_relative_change, rule.significance].some(
        (value) => value !== undefined,
      ),
    { message: 'a rule needs at least one of min, max, threshold, max_regression, max_relative_regression, min_absolute_change, min_relative_change or significance' },
  )
  .superRefine((rule, context) => {
    const fairness = (FAIRNESS_METRICS as readonly string[]).includes(rule.metric);
    if (fairness && !rule.sensitive) context.addIssue({ code: 'custom', path: ['sensitive'], message: `${rule.metric} is a fairness metric: name the group column with sensitive` });
    if (!fairness && rule.sensitive) context.addIssue({ code: 'custom', path: ['sensitive'], message: `sensitive applies to fairness metrics (${FAIRNESS_METRICS.join(', ')}), not ${rule.metric}` });
    if (rule.significance !== undefined && (fairness || UNRESAMPLABLE.has(rule.metric))) {
      context.addIssue({ code: 'custom', path: ['significance'], message: `significance needs a metric computed from predictions; ${rule.metric} cannot be bootstrapped` });
    }
  });

/** Metrics of the model itself rather than of its predictions: no bootstrap for them. */
const UNRESAMPLABLE = new Set(['latency_p50_ms', 'latency_p99_ms', 'model_size_bytes']);

export type GateRule = z.infer<typeof gateRuleSchema>;

export const gateConfigSchema = z.strictObject({
  /** The candidate model. */
  model: z.string().min(1),
  /** Held-out data with the target. */
  data: z.string().min(1),
  target: z.string().min(1),
  /** The model to compare with: a file path or a registry URI (models:/NAME@champion). */
  baseline: z.string().min(1).optional(),
  task: z.enum(['auto', 'binary', 'multiclass', 'regression']).optional(),
  positive_label: z.union([z.string(), z.number()]).optional(),
  threshold: z.number().gt(0).lt(1).optional(),
  exclude: z.array(z.string()).optional(),
  /** Resamples for significance tests (default 1000). */
  bootstrap: z.number().int().min(100).max(100_000).optional(),
  seed: z.number().int().optional(),
  rules: z.array(gateRuleSchema).min(1),
  /** Rules on the candidate's global explanation (mean |SHAP| ranking on the gate's data). */
  explain: z
    .strictObject({
      /** How many of the most important features the rules look at. */
      top: z.number().int().min(1).max(1000),
      /** Features that must not be among the top (e.g. a sensitive attribute). */
      forbid: z.array(z.string().min(1)).optional(),
      /** Features that must be among the top. */
      require: z.array(z.string().min(1)).optional(),
    })
    .refine((rule) => (rule.forbid?.length ?? 0) + (rule.require?.length ?? 0) > 0, { message: 'explain needs forbid or require (a list of feature names)' })
    .optional(),
});

export type GateConfig = z.infer<typeof gateConfigSchema>;

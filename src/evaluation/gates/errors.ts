/** Errors of quality gates. */
import { defineError } from '../../core/index.js';

export const gateFailed = defineError<{ metrics: readonly string[]; total: number; failures: readonly string[] }>('SLUICE_GATE_FAILED', {
  kind: 'check_failed',
  description: 'The candidate model failed one or more quality-gate rules.',
  message: ({ metrics, total, failures }) => `The gate failed ${metrics.length} of ${total} rules (${metrics.join(', ')}): ${failures.join('; ')}.`,
  hint: () => 'The model is not promoted. Improve it, or change the rules in the gates section if they are wrong.',
});

export const gatesNotConfigured = defineError<{ file: string }>('SLUICE_GATE_NOT_CONFIGURED', {
  kind: 'invalid_input',
  description: '`sluice gate` found no gates section to check.',
  message: ({ file }) => `${file} has no gates section.`,
  hint: () => 'Add `gates:` with model, data, target and rules to sluice.yaml, or pass a file with --config.',
});

export const unknownGateMetric = defineError<{ metric: string; task: string; suggestion: string; valid: readonly string[] }>('SLUICE_GATE_UNKNOWN_METRIC', {
  kind: 'invalid_input',
  description: 'A gate rule names a metric that is not computed for the task of the model and data (a typo, or f1 for a multiclass model).',
  message: ({ metric, task, suggestion }) => `The gate rule's metric "${metric}" is not a ${task} metric.${suggestion}`,
  hint: ({ task, valid }) => `Metrics of a ${task} task: ${valid.join(', ')} (docs/metrics.md lists them per task).`,
});

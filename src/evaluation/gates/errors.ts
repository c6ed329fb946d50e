/** Errors of quality gates. */
import { defineError } from '../../core/index.js';

export const gateFailed = defineError<{ metrics: readonly string[]; total: number; failures: readonly string[] }>('SLUICE_GATE_FAILED', {
  kind: 'check_failed',
  description: 'The candidate model failed one or more quality-gate rules.',
  message: ({ metrics, total, failures }) => `The gate failed ${metrics.length} of ${total} rules (${metrics.join(', ')}): ${failures.join('; ')}.`,
  hint: () => 'The model is not promoted. Improve it, or change the rules in the gates section if they are wrong.',
});

export const gateConfigNotFound = defineError<{ file: string }>('SLUICE_GATE_CONFIG_NOT_FOUND', {
  kind: 'not_found',
  description: '`sluice gate` reads its rules from sluice.yaml, or from the file given with --config, and that file does not exist.',
  message: ({ file }) => `${file} does not exist, so there are no gates to check.`,
  hint: () => 'Run `sluice gate` in the project (where sluice.yaml is), or pass the file holding the gates section with --config FILE.',
});

export const gatesNotConfigured = defineError<{ file: string }>('SLUICE_GATE_NOT_CONFIGURED', {
  kind: 'invalid_input',
  description: '`sluice gate` found no gates section to check.',
  message: ({ file }) => `${file} has no gates section.`,
  hint: () => 'Add `gates:` with model, data, target and rules to sluice.yaml, or pass a file with --config (paths in it are relative to its directory).',
});

export const gateSetRequired = defineError<{ file: string; names: readonly string[] }>('SLUICE_GATE_SET_REQUIRED', {
  kind: 'invalid_input',
  description: 'The gates section has several named gate sets and the command did not say which one to check.',
  message: ({ file, names }) => `${file} has ${names.length} gate sets (${names.join(', ')}): choose one with --gate NAME.`,
  hint: ({ names }) => `Pass --gate ${names[0] ?? 'NAME'} (to \`sluice gate\` or \`sluice ci\`); in a pipeline, write \`uses: gate\` with \`with: {gate: ${names[0] ?? 'NAME'}}\`.`,
});

export const gateSetNotFound = defineError<{ file: string; name: string; names: readonly string[]; suggestion: string }>('SLUICE_GATE_SET_NOT_FOUND', {
  kind: 'not_found',
  description: 'The gate set named with --gate is not in the gates section.',
  message: ({ file, name, suggestion }) => `${file} has no gate set "${name}".${suggestion}`,
  hint: ({ names }) =>
    names.length > 0
      ? `Its gate sets are: ${names.join(', ')}.`
      : 'Its gates section is one unnamed set: drop --gate, or name the sets (gates: {NAME: {model, data, target, rules}}).',
});

export const gateFileMissing = defineError<{ file: string; key: string; path: string; resolved: string; dir: string }>('SLUICE_GATE_FILE_NOT_FOUND', {
  kind: 'not_found',
  description: 'A gate set names a model or data file that does not exist, read relative to the directory of the file holding the gates section.',
  message: ({ key, path, resolved }) => `"${key}" names ${path}, which does not exist (looked for ${resolved}).`,
  hint: ({ file, dir }) => `Paths in a gates section are relative to the directory of its file (${dir} for ${file}): fix the path, make it absolute, or create the file.`,
});

export const unknownGateMetric = defineError<{ metric: string; task: string; suggestion: string; valid: readonly string[] }>('SLUICE_GATE_UNKNOWN_METRIC', {
  kind: 'invalid_input',
  description: 'A gate rule names a metric that is not computed for the task of the model and data (a typo, or f1 for a multiclass model).',
  message: ({ metric, task, suggestion }) => `The gate rule's metric "${metric}" is not a ${task} metric.${suggestion}`,
  hint: ({ task, valid }) => `Metrics of a ${task} task: ${valid.join(', ')} (docs/metrics.md lists them per task).`,
});

export const unknownExplainFeature = defineError<{ feature: string; list: string; features: readonly string[]; suggestion: string }>('SLUICE_GATE_UNKNOWN_FEATURE', {
  kind: 'invalid_input',
  description: 'An explain rule of a gate requires a feature the model does not have, or forbids one spelled close to a feature it has (a typo that would never match, letting the rule pass).',
  message: ({ feature, list, suggestion }) => `The gate's explain.${list} names "${feature}", which is not a feature of the model.${suggestion}`,
  hint: ({ features }) => `Name features as the model's signature does (${features.slice(0, 8).join(', ')}${features.length > 8 ? ', …' : ''}).`,
});

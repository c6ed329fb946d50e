/** Errors of explanations (`sluice explain`). */
import { defineError } from '../core/index.js';

export const unexplainableGraph = defineError<{ model: string; reason: string }>('SLUICE_EXPLAIN_UNSUPPORTED_GRAPH', {
  kind: 'invalid_input',
  description: 'The exact explainers (tree, linear) cannot read the part of the model\'s graph that prepares its features.',
  message: ({ model, reason }) => `Cannot explain ${model} exactly: ${reason}.`,
  hint: () => 'Use --method kernel (KernelSHAP works on any model, from its inputs and outputs), or --method auto to let Sluice choose.',
});

export const methodNotApplicable = defineError<{ model: string; method: string; found: string }>('SLUICE_EXPLAIN_METHOD', {
  kind: 'invalid_input',
  description: 'The explanation method asked for does not fit the model (e.g. --method tree on a model without a tree ensemble).',
  message: ({ model, method, found }) => `--method ${method} does not fit ${model}: ${found}.`,
  hint: () => 'Use --method auto (tree for tree ensembles, linear for linear and logistic models, kernel otherwise), or --method kernel, which fits any model.',
});

export const backgroundTooLarge = defineError<{ background: number; rows: number; data: string }>('SLUICE_EXPLAIN_BACKGROUND', {
  kind: 'invalid_input',
  description: '--background asks for more background rows than the data has.',
  message: ({ background, rows, data }) => `--background ${background} asks for more rows than ${data} has (${rows}).`,
  hint: ({ rows }) => `Give --background ${rows} or fewer (the background is a sample of the data's rows; the default is 100), or pass more data.`,
});

export const missingFeatureValues = defineError<{ data: string; count: number; row: number; columns: string; method: string }>('SLUICE_EXPLAIN_MISSING_VALUES', {
  kind: 'invalid_input',
  description: 'The linear and kernel explanations need every feature value, and some rows of the data have missing ones (the model answers NaN for them).',
  message: ({ data, count, row, columns, method }) => `${count} rows of ${data} have missing feature values (first at row ${row}; in ${columns}): the ${method} explanation needs every value, and would come out NaN.`,
  hint: () => 'Fill in or drop those rows (or explain a model with an imputation step); tree models route missing values as they predict, so --method tree explains them as they are.',
});

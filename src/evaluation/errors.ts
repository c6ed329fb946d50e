/** Errors of evaluation: tasks, labels, predictions. */
import { defineError } from '../core/index.js';

export const taskMismatch = defineError<{ requested: string; actual: string; reason: string }>('SLUICE_EVALUATION_TASK_MISMATCH', {
  kind: 'invalid_input',
  description: 'The task asked for (--task) does not fit what the model predicts.',
  message: ({ requested, actual, reason }) => `Cannot evaluate as ${requested}: the model is ${actual} (${reason}).`,
  hint: ({ actual }) => `Use --task ${actual}, or --task auto to let Sluice tell from the model's outputs.`,
});

export const unknownLabel = defineError<{ value: string; classes: readonly string[]; row: number }>('SLUICE_EVALUATION_UNKNOWN_LABEL', {
  kind: 'invalid_input',
  description: 'The target column holds a label that is not one of the model\'s classes.',
  message: ({ value, classes, row }) => `Target value "${value}" (row ${row}) is not one of the model's classes: ${classes.join(', ')}.`,
  hint: () => 'Check that --target names the label column and that the model was trained on the same labels (its `classes` metadata lists them).',
});

export const unknownPositiveLabel = defineError<{ label: string; classes: readonly string[] }>('SLUICE_EVALUATION_UNKNOWN_POSITIVE_LABEL', {
  kind: 'invalid_input',
  description: '--positive-label names a label that is not a class of the model.',
  message: ({ label, classes }) => `--positive-label ${label} is not one of the classes: ${classes.join(', ')}.`,
  hint: () => 'Pass one of the listed classes.',
});

export const missingTarget = defineError<{ column: string; count: number; row: number }>('SLUICE_EVALUATION_MISSING_TARGET', {
  kind: 'invalid_input',
  description: 'The target column has missing values, so those rows cannot be scored.',
  message: ({ column, count, row }) => `The target column "${column}" has ${count} missing value${count === 1 ? '' : 's'} (first at row ${row}).`,
  hint: () => 'Drop unlabelled rows before evaluation, or fill in their labels.',
});

export const emptyData = defineError<{ path: string }>('SLUICE_EVALUATION_EMPTY_DATA', {
  kind: 'invalid_input',
  description: 'The evaluation data has no rows.',
  message: ({ path }) => `${path} has no rows to evaluate on.`,
  hint: () => 'Point --data at the held-out set; check that the split step wrote rows to it.',
});

export const predictionsMismatch = defineError<{ reason: string }>('SLUICE_EVALUATION_PREDICTIONS_MISMATCH', {
  kind: 'invalid_input',
  description: 'A predictions file given with --predictions does not line up with the evaluation data.',
  message: ({ reason }) => `The predictions cannot be evaluated: ${reason}.`,
  hint: () => 'The predictions file must have one row per data row, in the same order, and --prediction-columns must name its probability (one per class) or value column.',
});

export const fairnessNeedsBinary = defineError<{ column: string; task: string }>('SLUICE_GATE_FAIRNESS_NEEDS_BINARY', {
  kind: 'invalid_input',
  description: 'Fairness metrics are defined for binary classifiers.',
  message: ({ column, task }) => `Fairness over "${column}" needs a binary classifier; this model is ${task}.`,
  hint: () => 'Remove the fairness rule, or evaluate a binary model.',
});

export const invalidPredictions = defineError<{ count: number; row: number; total: number }>('SLUICE_EVALUATION_NAN_PREDICTIONS', {
  kind: 'invalid_input',
  description: 'The model returned NaN for some rows, usually because features are missing and the model has no imputer.',
  message: ({ count, row, total }) => `The model returned no prediction (NaN) for ${count} of ${total} rows (first at row ${row}).`,
  hint: () => 'Fill in or drop rows with missing feature values, or export the model with an imputation step.',
});

/** Errors of the built-in trainers. */
import { defineError } from '../core/index.js';

export const invalidTrainingParam = defineError<{ algorithm: string; problem: string; allowed: string }>('SLUICE_TRAINING_BAD_PARAM', {
  kind: 'invalid_input',
  description: 'A --params value (or `params` of a train stage) is unknown or out of range for the algorithm.',
  message: ({ algorithm, problem }) => `Invalid parameter for ${algorithm}: ${problem}.`,
  hint: ({ allowed }) => `Parameters of this algorithm: ${allowed}.`,
});

export const unsuitableTarget = defineError<{ target: string; algorithm: string; reason: string }>('SLUICE_TRAINING_UNSUITABLE_TARGET', {
  kind: 'invalid_input',
  description: 'The target column cannot be learned by the chosen algorithm (one class only, text for a regressor…).',
  message: ({ target, algorithm, reason }) => `Cannot train ${algorithm} on "${target}": ${reason}.`,
  hint: () => 'Check --target and --algorithm: logistic_regression and gbdt classify, linear_regression, ridge and gbdt (with --task regression) predict numbers.',
});

export const noFeatures = defineError<{ path: string }>('SLUICE_TRAINING_NO_FEATURES', {
  kind: 'invalid_input',
  description: 'After the target and excluded columns are removed, nothing is left to learn from.',
  message: ({ path }) => `${path} has no feature columns besides the target and the excluded ones.`,
  hint: () => 'Remove columns from --exclude, or add feature columns to the data.',
});

export const exportMismatch = defineError<{ difference: number }>('SLUICE_TRAINING_EXPORT_MISMATCH', {
  kind: 'internal',
  description: 'The exported ONNX model does not reproduce the trained model\'s predictions.',
  message: ({ difference }) => `The exported model's predictions differ from the trained model's by up to ${difference}.`,
  hint: () => 'This is a bug in Sluice\'s ONNX export; please report it with the data shape and algorithm.',
});

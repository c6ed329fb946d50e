/** Errors of model loading and inference. */
import { defineError } from '../core/index.js';

export const modelNotFound = defineError<{ path: string }>('SLUICE_INFERENCE_MODEL_NOT_FOUND', {
  kind: 'not_found',
  description: 'The model file to evaluate or serve does not exist.',
  message: ({ path }) => `The model file ${path} does not exist.`,
  hint: () => 'Check the path, or run the stage that trains the model first (`sluice run`).',
});

export const invalidModel = defineError<{ path: string; reason: string }>('SLUICE_INFERENCE_INVALID_MODEL', {
  kind: 'invalid_input',
  description: 'A model file is not an ONNX model onnxruntime can load.',
  message: ({ path, reason }) => `${path} is not a loadable ONNX model: ${reason}.`,
  hint: () => 'Export the model to ONNX (skl2onnx, torch.onnx.export, tf2onnx, or `sluice train`) and point at the .onnx file.',
});

export const featureMismatch = defineError<{ model: string; missing: readonly string[]; unexpected: readonly string[] }>('SLUICE_INFERENCE_FEATURE_MISMATCH', {
  kind: 'invalid_input',
  description: "The data's columns do not match the features the model expects.",
  message: ({ model, missing, unexpected }) =>
    [
      `The data does not match the inputs of ${model}.`,
      missing.length ? `Missing column${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}.` : '',
      unexpected.length ? `Unexpected column${unexpected.length === 1 ? '' : 's'}: ${unexpected.join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  hint: () => 'Rename the columns to the model\'s feature names, or drop extra columns with --exclude.',
});

export const featureCountMismatch = defineError<{ model: string; expected: number; actual: number; columns: readonly string[] }>('SLUICE_INFERENCE_FEATURE_COUNT', {
  kind: 'invalid_input',
  description: 'A model with one matrix input expects a different number of feature columns than the data has.',
  message: ({ model, expected, actual, columns }) =>
    `${model} expects ${expected} features, but the data has ${actual} feature columns (${columns.slice(0, 6).join(', ')}${columns.length > 6 ? ', …' : ''}).`,
  hint: () => 'Exclude columns the model does not read with --exclude, or store `feature_names` in the model\'s metadata so columns are matched by name.',
});

export const unsupportedModelOutput = defineError<{ model: string; outputs: string }>('SLUICE_INFERENCE_UNSUPPORTED_OUTPUT', {
  kind: 'invalid_input',
  description: "A model's outputs are neither class probabilities nor regression values in a shape Sluice understands.",
  message: ({ model, outputs }) => `Cannot tell predictions from the outputs of ${model}: ${outputs}.`,
  hint: () => 'Models must output probabilities [N, classes] (optionally with labels) or values [N] / [N, 1].',
});

export const unsupportedModelInput = defineError<{ model: string; input: string; type: string }>('SLUICE_INFERENCE_UNSUPPORTED_INPUT', {
  kind: 'invalid_input',
  description: 'A model input has a type Sluice cannot build from table columns.',
  message: ({ model, input, type }) => `Input "${input}" of ${model} has type ${type}, which Sluice cannot feed from a table column.`,
  hint: () => 'Supported input types: float, double, integer, boolean and string tensors of shape [N], [N, 1] or [N, K].',
});

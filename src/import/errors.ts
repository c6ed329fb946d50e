/** Errors of importing models trained elsewhere (XGBoost) into ONNX. */
import { defineError } from '../core/index.js';

export const importFileUnreadable = defineError<{ file: string; reason: string }>('SLUICE_IMPORT_UNREADABLE', {
  kind: 'invalid_input',
  description: 'The file given to import is missing, or it is not an XGBoost model saved as JSON.',
  message: ({ file, reason }) => `Cannot import ${file}: ${reason}.`,
  hint: () => 'Save the booster as JSON in Python with `model.get_booster().save_model("model.json")` (or `booster.save_model("model.json")`), then import that file.',
});

export const importUnsupported = defineError<{ file: string; what: string; supported: string }>('SLUICE_IMPORT_UNSUPPORTED', {
  kind: 'invalid_input',
  description: 'The XGBoost model uses something the importer does not convert (an objective, a booster, categorical splits), so no ONNX model was written.',
  message: ({ file, what }) => `Cannot import ${file}: ${what}.`,
  hint: ({ supported }) => `Supported: ${supported}. Retrain with one of those, or export the model to ONNX with another converter (onnxmltools) and register the .onnx file.`,
});

export const importFeatureNames = defineError<{ file: string; given: number; expected: number }>('SLUICE_IMPORT_FEATURE_NAMES', {
  kind: 'invalid_input',
  description: '`--feature-names` lists a different number of names than the model has features.',
  message: ({ file, given, expected }) => `--feature-names lists ${given} name${given === 1 ? '' : 's'}, but ${file} has ${expected} features.`,
  hint: ({ expected }) => `Give ${expected} comma-separated names, in the order of the columns the model was trained on (or leave the option out to use the names saved in the model, else f0, f1, …).`,
});

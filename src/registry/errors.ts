/** Errors of the model registry. Messages follow MLflow's where clients may match them. */
import { defineError, shellWord } from '../core/index.js';

export const registeredModelNotFound = defineError<{ name: string }>('SLUICE_REGISTRY_MODEL_NOT_FOUND', {
  kind: 'not_found',
  description: 'No registered model has the given name.',
  message: ({ name }) => `Registered Model with name=${name} not found`,
  hint: () => 'List registered models with `sluice models list`, or register one with `sluice models register PATH --name NAME`.',
});

export const registeredModelExists = defineError<{ name: string }>('SLUICE_REGISTRY_MODEL_EXISTS', {
  kind: 'already_exists',
  description: 'A registered model with this name exists.',
  message: ({ name }) => `Registered Model (name=${name}) already exists.`,
  hint: () => 'Register a new version of it instead, or pick another name.',
});

export const modelVersionNotFound = defineError<{ name: string; version: string | number }>('SLUICE_REGISTRY_VERSION_NOT_FOUND', {
  kind: 'not_found',
  description: 'A model has no version with the given number (or it was deleted).',
  message: ({ name, version }) => `Model Version (name=${name}, version=${version}) not found`,
  hint: ({ name }) => `List the versions with \`sluice models show ${shellWord(name)}\`.`,
});

export const aliasNotFound = defineError<{ name: string; alias: string; meant?: string | undefined }>('SLUICE_REGISTRY_ALIAS_NOT_FOUND', {
  kind: 'invalid_input',
  description: 'A registered model has no alias of the given name.',
  message: ({ name, alias, meant }) => `Registered model alias ${alias} not found (model ${name}).${meant === undefined ? '' : ` Did you mean "${meant}"?`}`,
  hint: ({ name }) => `Set it with \`sluice models alias ${shellWord(name)} ALIAS VERSION\`, or see the aliases with \`sluice models show ${shellWord(name)}\`.`,
});

export const invalidRegistryValue = defineError<{ problem: string }>('SLUICE_REGISTRY_INVALID_VALUE', {
  kind: 'invalid_input',
  description: 'A registry request breaks a naming or value rule (model name, alias, version, stage).',
  message: ({ problem }) => problem,
  hint: () => 'Model names cannot contain / or :, aliases are letters, digits, _ and - (not latest or v<number>), versions are whole numbers from 1, stages are None, Staging, Production or Archived.',
});

export const invalidModelUri = defineError<{ uri: string }>('SLUICE_REGISTRY_INVALID_URI', {
  kind: 'invalid_input',
  description: 'A models:/ URI is not of the form models:/NAME/VERSION or models:/NAME@ALIAS.',
  message: ({ uri }) => `Cannot read the model URI "${uri}".`,
  hint: () => 'Write models:/NAME/VERSION (a number), models:/NAME@ALIAS, or models:/NAME/latest.',
});

export const modelFileUnavailable = defineError<{ uri: string; reason: string }>('SLUICE_REGISTRY_FILE_UNAVAILABLE', {
  kind: 'not_found',
  description: 'A model version has no file Sluice can fetch (it was registered from an outside URI).',
  message: ({ uri, reason }) => `Cannot fetch the model file of ${uri}: ${reason}.`,
  hint: () => 'Register the ONNX file itself (`sluice models register model.onnx --name NAME`) so Sluice keeps a copy.',
});

export const registryNotAvailable = defineError<{ reference: string }>('SLUICE_REGISTRY_NOT_AVAILABLE', {
  kind: 'invalid_input',
  description: 'A registered model (models:/…) was named where there is no registry: outside a Sluice workspace.',
  message: ({ reference }) => `${reference} names a registered model, but this directory is in no Sluice workspace, so there is no registry to look it up in.`,
  hint: () => 'Run the command inside the repository whose registry holds the model (where `sluice models list` shows it), or give the .onnx file instead.',
});

export const notAnOnnxModel = defineError<{ file: string; reason: string }>('SLUICE_REGISTRY_NOT_ONNX', {
  kind: 'invalid_input',
  description: 'A file given to register as a model version does not load as an ONNX model (an empty file, a pickle, a text file), so nothing was registered.',
  message: ({ file, reason }) => `Cannot register ${file}: it is not an ONNX model that onnxruntime can load (${reason}). Nothing was registered.`,
  hint: () =>
    'Export the model to ONNX first (skl2onnx for scikit-learn, torch.onnx.export for PyTorch, tf2onnx for TensorFlow, or train it with `sluice train`), check it with `sluice eval --model FILE.onnx ...`, then register the .onnx file.',
});

export const versionInUse = defineError<{ target: string; aliases: readonly string[]; force: string }>('SLUICE_REGISTRY_VERSION_IN_USE', {
  kind: 'invalid_input',
  description: 'A model version (or a model) to delete is what aliases point at; deleting it would remove them and break whatever serves or gates on them.',
  message: ({ target, aliases }) => `Not deleting ${target}: the alias${aliases.length > 1 ? 'es' : ''} ${aliases.join(', ')} point${aliases.length > 1 ? '' : 's'} at it.`,
  hint: ({ force }) => `Point the alias elsewhere first (\`sluice models alias NAME ALIAS VERSION\`), or delete it with its aliases: \`${force}\`.`,
});

export const notDeletable = defineError<{ reference: string; name: string; alias?: string | undefined }>('SLUICE_REGISTRY_NOT_DELETABLE', {
  kind: 'invalid_input',
  description: '`sluice models delete` was given a reference that names no fixed version (an alias, a stage or latest).',
  message: ({ reference }) => `Cannot delete ${reference}: it does not name one version for good (aliases, stages and latest move).`,
  hint: ({ name, alias }) =>
    `Name the model (\`sluice models delete ${shellWord(name)}\`) or one version (\`sluice models delete ${shellWord(`${name}/VERSION`)}\`; \`sluice models show ${shellWord(name)}\` lists them)${alias ? `; to remove the alias itself, run \`sluice models alias ${shellWord(name)} ${alias} --delete\`` : ''}.`,
});

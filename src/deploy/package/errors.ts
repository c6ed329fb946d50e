/** Errors of `sluice package`: names, the model, the output directory and packing Sluice itself. */
import { defineError } from '../../core/index.js';

export const invalidPackageName = defineError<{ name: string; problem: string }>('SLUICE_PACKAGE_INVALID_NAME', {
  kind: 'invalid_input',
  description: 'The name given to `sluice package --name` is not a valid Kubernetes name.',
  message: ({ name, problem }) => `"${name}" cannot name a model server: ${problem}.`,
  hint: () =>
    'Use at most 63 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, ' +
    'e.g. --name fraud-detector (it names the Deployment, Service and InferenceService, and the served model).',
});

export const packageNameUnderivable = defineError<{ source: string }>('SLUICE_PACKAGE_NO_NAME', {
  kind: 'invalid_input',
  description: 'No valid Kubernetes name can be made from the model\'s name or file name.',
  message: ({ source }) => `Cannot make a Kubernetes name from ${source}: it has no letter or digit to keep.`,
  hint: () => 'Name the package with --name, e.g. --name fraud-detector.',
});

export const invalidImageReference = defineError<{ image: string }>('SLUICE_PACKAGE_INVALID_IMAGE', {
  kind: 'invalid_input',
  description: 'The image given to `sluice package --image` is not a valid container image reference.',
  message: ({ image }) => `"${image}" is not a container image reference.`,
  hint: () => 'Use [REGISTRY/]REPOSITORY[:TAG], with a lowercase repository, e.g. --image registry.example.com/ml/fraud:3.',
});

export const reservedPort = defineError<{ port: number; owner: string }>('SLUICE_PACKAGE_RESERVED_PORT', {
  kind: 'invalid_input',
  description: 'The port given to `sluice package --port` is one the target platform keeps for itself.',
  message: ({ port, owner }) => `Port ${port} is taken by ${owner} in every pod.`,
  hint: () => 'Keep the default --port 8080, or pick another port from 1024 to 65535.',
});

export const packageModelNotFound = defineError<{ path: string }>('SLUICE_PACKAGE_MODEL_NOT_FOUND', {
  kind: 'not_found',
  description: 'The model file given to `sluice package` does not exist.',
  message: ({ path }) => `The model file ${path} does not exist.`,
  hint: () => 'Give an ONNX file, or a registered version as models:/NAME@ALIAS or models:/NAME/VERSION (`sluice models list` shows them).',
});

export const outDirNotEmpty = defineError<{ dir: string }>('SLUICE_PACKAGE_OUT_DIR_NOT_EMPTY', {
  kind: 'conflict',
  description: 'The output directory of `sluice package` already holds files, and --force was not given.',
  message: ({ dir }) => `The output directory ${dir} is not empty.`,
  hint: () => 'Choose a new or empty directory, or add --force to write over it (files of an earlier `sluice package` there are replaced; other files are kept).',
});

export const outPathNotDirectory = defineError<{ path: string }>('SLUICE_PACKAGE_OUT_NOT_DIRECTORY', {
  kind: 'invalid_input',
  description: 'The output path of `sluice package` exists and is not a directory.',
  message: ({ path }) => `${path} exists and is not a directory.`,
  hint: () => 'Give --out a directory path (it is created if missing).',
});

export const sluiceNotPackable = defineError<{ root: string; reason: string }>('SLUICE_PACKAGE_SLUICE_UNAVAILABLE', {
  kind: 'unavailable',
  description: 'The tarball of Sluice that the image installs could not be made with `npm pack`.',
  message: ({ root, reason }) => `Cannot pack Sluice (from ${root}) for the image: ${reason}.`,
  hint: () => 'Check that npm is on PATH and that Sluice is built (`npm run build` in the Sluice repository).',
});

export const cannotVendorDependencies = defineError<{ reason: string }>('SLUICE_PACKAGE_CANNOT_VENDOR', {
  kind: 'invalid_input',
  description: '`sluice package --dependencies vendored` was asked for where the installed dependencies would not run in the image (another operating system, C library or Node version) or are not all under Sluice\'s own node_modules.',
  message: ({ reason }) => `Cannot vendor Sluice's dependencies into the image: ${reason}.`,
  hint: () => 'Package with --dependencies install (the image build then runs npm and needs the network), or run `sluice package` from an installation on Linux (glibc) with Node 20 that has its dependencies in its own node_modules.',
});

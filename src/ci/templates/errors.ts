/** Errors of `sluice ci init`. */
import { defineError } from '../../core/index.js';

export const templateExists = defineError<{ path: string; provider: string }>('SLUICE_CI_TEMPLATE_EXISTS', {
  kind: 'already_exists',
  description: '`sluice ci init` would overwrite a CI pipeline file that already exists.',
  message: ({ path }) => `${path} already exists; sluice ci init does not overwrite it.`,
  hint: ({ provider }) => `Pass --force to replace it (sluice ci init --provider ${provider} --force), or move it aside first and merge the two by hand.`,
});

export const folderNameUnsupported = defineError<{ folder: string }>('SLUICE_CI_TEMPLATE_FOLDER_NAME', {
  kind: 'invalid_input',
  description: '`sluice ci init` was run in a project whose folder in its repository has characters the pipeline files cannot carry unquoted (spaces, quotes, globs).',
  message: ({ folder }) => `The project's folder in its repository, "${folder}", has characters other than letters, digits, ".", "_", "-" and "/": the paths, job names and shell commands of the pipeline files would need quoting for each CI system. Nothing was written.`,
  hint: () => 'Rename the folder (git mv) to letters, digits, ".", "_", "-" and "/", or write the pipeline by hand from one that `sluice ci init` writes for a plain folder name.',
});

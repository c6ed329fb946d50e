/** Errors of `sluice ci init`. */
import { defineError } from '../../core/index.js';

export const templateExists = defineError<{ path: string; provider: string }>('SLUICE_CI_TEMPLATE_EXISTS', {
  kind: 'already_exists',
  description: '`sluice ci init` would overwrite a CI pipeline file that already exists.',
  message: ({ path }) => `${path} already exists; sluice ci init does not overwrite it.`,
  hint: ({ provider }) => `Pass --force to replace it (sluice ci init --provider ${provider} --force), or move it aside first and merge the two by hand.`,
});

export const projectInSubfolder = defineError<{ prefix: string }>('SLUICE_CI_TEMPLATE_SUBFOLDER', {
  kind: 'invalid_input',
  description: '`sluice ci init` was run in a project that is a folder of its git repository; the generated pipelines run at the repository root.',
  message: ({ prefix }) => `The Sluice project is in ${prefix} of its git repository, and the pipeline files sluice ci init writes run \`sluice ci\` at the repository root (where CI systems read them): the job would not find the project. Nothing was written.`,
  hint: ({ prefix }) => `Write the pipeline by hand at the repository root with its steps in ${prefix} (GitHub: defaults.run.working-directory; GitLab and CircleCI: cd ${prefix}), or use \`sluice ci init\` in a repository whose root is the project.`,
});

/** Errors of `sluice ci init`. */
import { defineError } from '../../core/index.js';

export const templateExists = defineError<{ path: string; provider: string }>('SLUICE_CI_TEMPLATE_EXISTS', {
  kind: 'already_exists',
  description: '`sluice ci init` would overwrite a CI pipeline file that already exists.',
  message: ({ path }) => `${path} already exists; sluice ci init does not overwrite it.`,
  hint: ({ provider }) => `Pass --force to replace it (sluice ci init --provider ${provider} --force), or move it aside first and merge the two by hand.`,
});

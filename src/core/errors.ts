/** Errors of the core helpers: reading the user's files. */
import { defineError } from './app-error.js';

export const yamlSyntax = defineError<{ file: string; reason: string }>('SLUICE_CORE_YAML_SYNTAX', {
  kind: 'invalid_input',
  description: 'A YAML file (sluice.yaml, params, lock, config) is not valid YAML.',
  message: ({ reason }) => `Not valid YAML: ${reason}.`,
  hint: () =>
    'Fix the syntax at the position shown: indentation, a missing colon or an unclosed quote are the usual causes, ' +
    'and a value containing ${...} inside [ ] or { } must be quoted.',
});

export const gitFailed = defineError<{ command: string; reason: string }>('SLUICE_CORE_GIT_FAILED', {
  kind: 'invalid_input',
  description: 'A git command Sluice needs (to read an earlier revision) failed.',
  message: ({ command, reason }) => `\`${command}\` failed: ${reason}.`,
  hint: () => 'Check that the directory is a git repository and that the revision exists (`git log --oneline`).',
});

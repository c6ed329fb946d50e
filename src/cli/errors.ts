/** Errors of the command line itself (its flags); each command's domain declares the rest. */
import { defineError } from '../core/index.js';

export const invalidOption = defineError<{ command: string; problem: string }>('SLUICE_CLI_INVALID_OPTION', {
  kind: 'invalid_input',
  description: 'A command-line option has a value the command cannot use.',
  message: ({ command, problem }) => `sluice ${command}: ${problem}.`,
  hint: ({ command }) => `Run \`sluice ${command} --help\` for the accepted values.`,
});

/**
 * The one place errors become messages and exit codes. An {@link AppError} prints as one
 * paragraph (location, what, how to fix, code) with its exit code; anything else is a bug and
 * says so, with the stack only when SLUICE_DEBUG is set.
 */
import { isAppError } from '../core/index.js';
import type { CliOutput } from './output.js';

export const INTERNAL_EXIT_CODE = 3;

/** Exit code of a command stopped by Ctrl-C or SIGTERM, as shells report SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Prints the error (after `what`, when one part of a command failed and others did not) and gives its exit code. */
export function reportError(error: unknown, output: CliOutput, what?: string): number {
  const lead = what === undefined ? 'sluice: ' : `sluice: ${what}: `;
  if (isAppError(error)) {
    output.stderr.write(`${lead}${error.toUserMessage()}\n`);
    if (process.env.SLUICE_DEBUG && error.cause instanceof Error) output.stderr.write(`${error.cause.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.stderr.write(
    `${lead}internal error: ${message}. This is a bug in Sluice; please report it with the command you ran` +
      `${process.env.SLUICE_DEBUG ? '' : ' (set SLUICE_DEBUG=1 to print the stack trace)'}.\n`,
  );
  if (process.env.SLUICE_DEBUG && error instanceof Error) output.stderr.write(`${error.stack}\n`);
  return INTERNAL_EXIT_CODE;
}

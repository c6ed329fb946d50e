/**
 * `sluice status` and `sluice status --json` answered from the status snapshot, before the
 * program (commander, zod, YAML, the pipeline loader) is loaded: the entry (main.ts) tries this
 * first. When the snapshot does not hold, nothing has been printed and the full command runs
 * (and refreshes the snapshot). Anything the snapshot cannot speak for (stage targets, other
 * flags) goes to the full command.
 */
import { checkStatusSnapshot } from '../pipeline/index.js';
import { statusJson, UP_TO_DATE_LINE } from './commands/status-output.js';
import { printJson, processOutput, type CliOutput } from './output.js';

/** Whether `argv` was answered (then the exit code is 0, as the full command's). */
export function answerStatusFromSnapshot(argv: readonly string[], output: CliOutput = processOutput): boolean {
  const json = argv.length === 2 && argv[1] === '--json';
  if (argv[0] !== 'status' || !(argv.length === 1 || json)) return false;
  let check;
  try {
    check = checkStatusSnapshot(process.cwd());
  } catch {
    // The cwd was removed, or the like: the full command reports it properly.
    return false;
  }
  if (!check.fresh) return false;
  if (json) printJson(output, statusJson(check.reports));
  else output.stdout.write(UP_TO_DATE_LINE);
  return true;
}

/** The line that tells where a command's run was recorded, or why it was not. */
import type { Recording } from '../../evaluation/index.js';
import type { CliOutput } from '../output.js';

export function recordedNote(recorded: Recording, what: string, output: CliOutput, stream: 'stdout' | 'stderr' = 'stdout'): void {
  if (!recorded) return;
  if ('error' in recorded) {
    output.stderr.write(`sluice: warning: the ${what} was not recorded in tracking: ${recorded.error}\n`);
    return;
  }
  const id = recorded.runId.slice(0, 8);
  output[stream].write(`Recorded as run ${id} (\`sluice runs show ${id}\`).\n`);
}

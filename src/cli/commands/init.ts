/** `sluice init`: create `.sluice/` and keep Sluice's local files out of git. */
import { resolve } from 'node:path';
import { initWorkspace } from '../../workspace/index.js';
import type { CliOutput } from '../output.js';

export async function initCommand(output: CliOutput, cwd: string = process.cwd()): Promise<number> {
  const root = resolve(cwd);
  const { createdConfig, gitignoreAdded } = initWorkspace(root);
  const changes = [
    createdConfig ? 'created .sluice/config.yaml' : undefined,
    gitignoreAdded.length > 0 ? `added ${gitignoreAdded.join(' ')} to .gitignore` : undefined,
  ].filter(Boolean);
  output.stdout.write(
    changes.length > 0
      ? `Initialised Sluice in ${root}: ${changes.join('; ')}.\nNext: describe your stages in sluice.yaml, then run \`sluice run\`.\n`
      : `Sluice is already initialised in ${root}.\n`,
  );
  return 0;
}

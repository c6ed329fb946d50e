/** Errors about finding and setting up a Sluice workspace. */
import { defineError } from '../core/index.js';

export const workspaceNotFound = defineError<{ cwd: string }>('SLUICE_WORKSPACE_NOT_FOUND', {
  kind: 'not_found',
  description: 'No sluice.yaml or .sluice/ directory was found in the current directory or its parents.',
  message: ({ cwd }) => `No Sluice project found in ${cwd} or any parent directory.`,
  hint: () => 'Run `sluice init` at the root of your repository and write a sluice.yaml, or cd into a project.',
});

export const pipelineFileMissing = defineError<{ root: string }>('SLUICE_WORKSPACE_PIPELINE_MISSING', {
  kind: 'not_found',
  description: 'The project has a .sluice/ directory but no sluice.yaml to run.',
  message: ({ root }) => `There is no sluice.yaml in ${root}.`,
  hint: () => 'Create sluice.yaml with a `stages:` section (see examples/pipeline/sluice.yaml in the Sluice repository).',
});

export const runInProgress = defineError<{ pid: number }>('SLUICE_WORKSPACE_RUN_IN_PROGRESS', {
  kind: 'conflict',
  description: 'Another `sluice run` holds the repository lock.',
  message: ({ pid }) => `Another sluice run (pid ${pid}) is running in this repository.`,
  hint: ({ pid }) => `Wait for it to finish, or stop it with \`kill ${pid}\`; a lock left by a dead process is taken over automatically.`,
});

export const serverHomeNotFound = defineError<{ cwd: string; home: string }>('SLUICE_SERVER_HOME_NOT_FOUND', {
  kind: 'not_found',
  description: 'A command that works on a standalone server\'s store (`sluice token`) found neither a project nor the server\'s home directory.',
  message: ({ cwd, home }) => `No Sluice project found in ${cwd} or its parents, and no standalone server home at ${home}.`,
  hint: () => 'Run the command in the project, or where `sluice server` was started (its home is ./sluice-server), or name the server\'s store with --store postgresql://… (or --home DIR).',
});

export const sluiceDirIsFile = defineError<{ path: string }>('SLUICE_WORKSPACE_DIR_IS_FILE', {
  kind: 'conflict',
  description: '`.sluice`, the folder where Sluice keeps its config, cache and metadata, exists as a file.',
  message: ({ path }) => `Cannot set up Sluice here: ${path} is a file, where Sluice keeps its folder.`,
  hint: ({ path }) => `Move or remove ${path}, then run sluice init again.`,
});

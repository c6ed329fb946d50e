/**
 * @module workspace
 * Finding the repository root, reading `.sluice/config.yaml`, `sluice init`, the run lock, and
 * opening the store and cache a repository is configured for.
 */
export {
  findWorkspaceRoot,
  initWorkspace,
  LOCK_FILE,
  openWorkspace,
  openWorkspaceCache,
  openWorkspaceStore,
  PIPELINE_FILE,
  SLUICE_DIR,
  SLUICE_GITIGNORE_ENTRIES,
  type Workspace,
  type WorkspacePaths,
} from './workspace.js';
export { CONFIG_FILE, loadWorkspaceConfig, remoteSchema, workspaceConfigSchema, type RemoteConfig, type WorkspaceConfig } from './config.js';
export { ensureGitignoreEntries, gitignoreEntryFor, removeGitignoreEntries } from './gitignore.js';
export { acquireRunLock, type RunLock } from './run-lock.js';
export { pipelineFileMissing, runInProgress, workspaceNotFound } from './errors.js';
export { openWorkspaceServices, type WorkspaceServices } from './services.js';

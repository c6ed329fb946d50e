/**
 * @module workspace
 * Finding the repository root, reading `.sluice/config.yaml`, `sluice init`, the run lock, and
 * opening the store and cache a repository is configured for, the services a command opens once,
 * and runs of this workspace (how commands and the pipeline record what they did).
 */
export {
  findWorkspaceRoot,
  initWorkspace,
  openWorkspace,
  openWorkspaceCache,
  openWorkspaceStatCache,
  SLUICE_GITIGNORE_ENTRIES,
  workspacePredictionLogDir,
  type Workspace,
  type WorkspacePaths,
} from './workspace.js';
export { LOCK_FILE, locateWorkspaceRoot, PIPELINE_FILE, SLUICE_DIR } from './workspace-root.js';
export { openWorkspaceStore } from './open-store.js';
export { DEFAULT_SERVER_HOME, openServerWorkspace, type ServerLocations, type ServerWorkspace } from './server-home.js';
export { CONFIG_FILE, loadWorkspaceConfig, remoteSchema, workspaceConfigSchema, type RemoteConfig, type WorkspaceConfig } from './config.js';
export { ensureGitignoreEntries, gitignoreEntryFor, removeGitignoreEntries } from './gitignore.js';
export { acquireRunLock, type RunLock } from './run-lock.js';
export { pipelineFileMissing, runInProgress, serverHomeNotFound, workspaceNotFound } from './errors.js';
export { SESSION_RUN_ENV, startSessionRun, type SessionRun, type SessionRunStart } from './session-run.js';
export { openWorkspaceServices, osUserName, type OpenServicesOptions, type StoreOpener, type WorkspaceServices } from './services.js';
export {
  createWorkspaceRuns,
  PIPELINE_RUN_ENV,
  STAGE_ENV,
  type WorkspaceRunStart,
  type WorkspaceRuns,
  type WorkspaceRunsOptions,
} from './workspace-runs.js';

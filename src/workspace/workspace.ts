/**
 * A workspace is a repository Sluice works in: its root (where `sluice.yaml` and `.sluice/`
 * live), its settings, and the locations of the cache, logs and metadata store.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/index.js';
import { ObjectCache, StatCache, statCacheDirectory, workspaceKey, type LinkType } from '../cache/index.js';
import { parseStoreUrl, type StoreLocation } from '../store/index.js';
import { CONFIG_FILE, DEFAULT_CONFIG_TEXT, loadWorkspaceConfig, type WorkspaceConfig } from './config.js';
import { sluiceDirIsFile, workspaceNotFound } from './errors.js';
import { ensureGitignoreEntries } from './gitignore.js';
import { LOCK_FILE, PIPELINE_FILE, SLUICE_DIR, locateWorkspaceRoot } from './workspace-root.js';

export interface WorkspacePaths {
  readonly sluiceDir: string;
  readonly cacheDir: string;
  readonly logsDir: string;
  readonly tmpDir: string;
  /** The stat cache's files (`.sluice/tmp/stat-cache`): local to this checkout, git-ignored. */
  readonly statCacheDir: string;
  readonly pipelineFile: string;
  readonly lockFile: string;
}

export interface Workspace {
  /** Absolute path of the repository root. */
  readonly root: string;
  readonly config: WorkspaceConfig;
  readonly paths: WorkspacePaths;
  readonly linkTypes: readonly LinkType[];
  readonly storeLocation: StoreLocation;
  /** Where artifacts and registered model files are kept: a directory or s3://bucket/prefix. */
  readonly artifactsUrl: string;
  /** The experiment pipeline runs are recorded in. */
  readonly experimentName: string;
  /**
   * A team server that runs, the registry and artifacts are recorded on (SLUICE_SERVER_URL, else
   * `server.url`), with where its URL came from; undefined: this checkout's own database.
   */
  readonly server: { readonly url: string; readonly from: string } | undefined;
}

/** The entries `sluice init` puts in `.gitignore`. */
export const SLUICE_GITIGNORE_ENTRIES = ['/.sluice/cache/', '/.sluice/artifacts/', '/.sluice/logs/', '/.sluice/tmp/', '/.sluice/predictions/', '/.sluice/sluice.db', '/.sluice/sluice.db-*'];

/**
 * The workspace's prediction log directory (`.sluice/predictions`), git-ignored: the log holds
 * raw request inputs. Workspaces made before the entry existed get it here, on their next serve.
 * A deployment environment logs under `environments/<name>/`, so that its monitor reads its own
 * traffic only (two environments may serve the same model).
 */
export function workspacePredictionLogDir(root: string, environment?: string): string {
  ensureGitignoreEntries(root, ['/.sluice/predictions/']);
  return environment === undefined ? join(root, SLUICE_DIR, 'predictions') : join(root, SLUICE_DIR, 'predictions', 'environments', environment);
}

/** Walks up from `cwd` to the first directory with a `sluice.yaml` or a `.sluice/` ({@link locateWorkspaceRoot}). */
export function findWorkspaceRoot(cwd: string): string {
  const root = locateWorkspaceRoot(cwd);
  if (root === undefined) throw workspaceNotFound({ cwd: resolve(cwd) });
  return root;
}

/** Opens the workspace at `root` (no I/O beyond reading its config). */
export function openWorkspace(root: string, env: NodeJS.ProcessEnv = process.env): Workspace {
  const config = loadWorkspaceConfig(root);
  const sluiceDir = join(root, SLUICE_DIR);
  const paths: WorkspacePaths = {
    sluiceDir,
    cacheDir: resolve(root, config.cache?.dir ?? join(SLUICE_DIR, 'cache')),
    logsDir: join(sluiceDir, 'logs'),
    tmpDir: join(sluiceDir, 'tmp'),
    statCacheDir: join(sluiceDir, 'tmp', 'stat-cache'),
    pipelineFile: join(root, PIPELINE_FILE),
    lockFile: join(root, LOCK_FILE),
  };
  const storeUrl = env.SLUICE_DATABASE_URL || config.store?.url || join(SLUICE_DIR, 'sluice.db');
  return {
    root,
    config,
    paths,
    linkTypes: config.cache?.link ?? ['reflink', 'hardlink', 'copy'],
    storeLocation: parseStoreUrl(storeUrl, root),
    artifactsUrl: env.SLUICE_ARTIFACTS || config.artifacts?.url || join(sluiceDir, 'artifacts'),
    experimentName: config.tracking?.experiment ?? basename(root),
    server: env.SLUICE_SERVER_URL ? { url: env.SLUICE_SERVER_URL, from: 'SLUICE_SERVER_URL' } : config.server ? { url: config.server.url, from: `server.url in ${CONFIG_FILE}` } : undefined,
  };
}

/**
 * Creates `.sluice/` with a default config and ignores Sluice's local files in git.
 * Idempotent: returns what it changed.
 */
export function initWorkspace(root: string): { createdConfig: boolean; gitignoreAdded: string[] } {
  const sluiceDir = join(root, SLUICE_DIR);
  if (existsSync(sluiceDir) && !statSync(sluiceDir).isDirectory()) throw sluiceDirIsFile({ path: sluiceDir });
  mkdirSync(sluiceDir, { recursive: true });
  const configPath = join(root, CONFIG_FILE);
  const createdConfig = !existsSync(configPath);
  if (createdConfig) writeFileAtomic(configPath, DEFAULT_CONFIG_TEXT);
  const gitignoreAdded = ensureGitignoreEntries(root, SLUICE_GITIGNORE_ENTRIES);
  return { createdConfig, gitignoreAdded };
}

/**
 * The workspace's stat cache. Before `sluice init` (or the first run) there is no `.sluice/` to
 * keep it in, and hashes are remembered in memory only.
 */
export function openWorkspaceStatCache(workspace: Workspace): Promise<StatCache> {
  const persisted = existsSync(workspace.paths.sluiceDir);
  return StatCache.open(persisted ? statCacheDirectory(workspace.paths.statCacheDir, workspaceKey(workspace.root)) : undefined);
}

/** The workspace's object cache. */
export function openWorkspaceCache(workspace: Workspace): ObjectCache {
  return new ObjectCache({ dir: workspace.paths.cacheDir, link: workspace.linkTypes });
}

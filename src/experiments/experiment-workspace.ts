/**
 * An experiment's temp workspace, as DVC's `exp run --temp`: a git worktree of HEAD (detached,
 * outside the project, sharing git's objects) with the workspace's uncommitted changes copied
 * over (modified and untracked files; deleted files deleted), so an experiment runs exactly the
 * code the user sees. Git-ignored files are not copied (a virtualenv or node_modules would be
 * copied for every experiment): the pipeline's outs come back from the shared object cache
 * through sluice.lock and the run cache, and data a stage reads that no stage produces (data
 * under a pointer file, a file the user ignored) is copied from the workspace.
 *
 * Its `.sluice/config.yaml` points at the workspace's object cache, metadata store, artifacts,
 * remotes and tracking experiment, so everything it computes or records (also by `sluice`
 * commands its stages run) lands in the workspace's cache and store.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../core/index.js';
import { loadPipeline, pathsOverlap } from '../pipeline/index.js';
import { CONFIG_FILE, type Workspace, type WorkspaceConfig } from '../workspace/index.js';
import { experimentWorkspaceFailed } from './errors.js';

const run = promisify(execFile);

/** A temp workspace; remove it with dispose(). */
export interface ExperimentWorkspace {
  readonly root: string;
  dispose(): Promise<void>;
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 256 << 20, encoding: 'utf8' });
  return stdout;
}

/** Worktrees are added one at a time: git takes locks in the repository for each. */
let worktreeQueue: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = worktreeQueue.then(work, work);
  worktreeQueue = next.catch(() => undefined);
  return next;
}

/** NUL-separated paths from `git ls-files -z`. */
function paths(output: string): string[] {
  return output.split('\0').filter((path) => path.length > 0);
}

/** Makes a temp workspace of `base`: HEAD, its uncommitted changes, and config pointing back at it. */
export async function createExperimentWorkspace(base: Workspace): Promise<ExperimentWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-exp-'));
  const root = join(dir, 'workspace');
  const dispose = async () => {
    await serialized(() => git(base.root, ['worktree', 'remove', '--force', root]).catch(() => git(base.root, ['worktree', 'prune']).catch(() => '')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await serialized(() => git(base.root, ['worktree', 'add', '--detach', '--quiet', root, 'HEAD']));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = (error as { stderr?: string }).stderr?.trim() || (error instanceof Error ? error.message : String(error));
    throw experimentWorkspaceFailed({ reason: reason.split('\n')[0]! }, { cause: error });
  }
  try {
    await copyUncommittedChanges(base.root, root);
    writeExperimentConfig(base, root);
    copyExternalData(base.root, root);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { root, dispose };
}

/** Modified and untracked (not ignored) files copied over, deleted ones deleted; nothing under `.sluice/`. */
async function copyUncommittedChanges(from: string, to: string): Promise<void> {
  const own = (path: string) => path === '.sluice' || path.startsWith('.sluice/');
  for (const path of paths(await git(from, ['ls-files', '-z', '--deleted']))) rmSync(join(to, path), { force: true });
  for (const path of paths(await git(from, ['ls-files', '-z', '--modified', '--others', '--exclude-standard']))) {
    if (own(path) || !existsSync(join(from, path))) continue;
    mkdirSync(dirname(join(to, path)), { recursive: true });
    cpSync(join(from, path), join(to, path), { force: true });
  }
}

/** The workspace's settings with every location made absolute, so the temp workspace shares them. */
function writeExperimentConfig(base: Workspace, root: string): void {
  const remotes = Object.fromEntries(
    Object.entries(base.config.remotes ?? {}).map(([name, remote]) => [
      name,
      /^[a-z][a-z0-9+.-]*:\/\//i.test(remote.url) || isAbsolute(remote.url) ? remote : { ...remote, url: resolve(base.root, remote.url) },
    ]),
  );
  const location = base.storeLocation;
  const config: WorkspaceConfig = {
    ...base.config,
    cache: { ...base.config.cache, dir: base.paths.cacheDir },
    // PostgreSQL: the config's URL, or SLUICE_DATABASE_URL, which the experiment inherits (never written to disk).
    store: location.dialect === 'sqlite' ? { url: `sqlite:${location.path}` } : base.config.store,
    artifacts: { url: /^[a-z][a-z0-9+.-]*:\/\//i.test(base.artifactsUrl) ? base.artifactsUrl : resolve(base.root, base.artifactsUrl) },
    tracking: { experiment: base.experimentName },
    ...(Object.keys(remotes).length > 0 ? { remotes } : {}),
  };
  mkdirSync(join(root, '.sluice'), { recursive: true });
  writeFileAtomic(join(root, CONFIG_FILE), `# An experiment's temp workspace: it shares ${base.root}'s cache and store.\n${stringify(config)}`);
}

/** Deps no stage produces that git does not bring (ignored data, data under pointer files), copied from the workspace. */
function copyExternalData(from: string, to: string): void {
  const pipeline = loadPipeline(to);
  const outs = pipeline.stages.flatMap((stage) => stage.outs.map((out) => out.path));
  for (const dep of pipeline.stages.flatMap((stage) => stage.deps)) {
    if (outs.some((out) => pathsOverlap(out, dep.path)) || existsSync(join(to, dep.path)) || !existsSync(join(from, dep.path))) continue;
    mkdirSync(dirname(join(to, dep.path)), { recursive: true });
    cpSync(join(from, dep.path), join(to, dep.path), { recursive: true });
  }
}

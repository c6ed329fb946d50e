/** The few git facts Sluice records and reads: the commit, the dirty flag, files at a revision. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitFailed } from './errors.js';

const execFileAsync = promisify(execFile);

/** Where the working copy stands. `commit` is undefined outside a git repository or before the first commit. */
export interface GitState {
  readonly commit: string | undefined;
  readonly branch: string | undefined;
  /** Uncommitted changes to tracked files, or untracked files that are not ignored. */
  readonly dirty: boolean;
}

async function git(cwd: string, args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 256 << 20, encoding: 'utf8' });
    return { ok: true, stdout };
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, stderr: stderr.trim() };
  }
}

/** Commit, branch and dirty flag of the repository containing `cwd`. */
export async function readGitState(cwd: string): Promise<GitState> {
  const [head, branch, status] = await Promise.all([
    git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']),
    git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
    git(cwd, ['status', '--porcelain', '--untracked-files=normal']),
  ]);
  return {
    commit: head.ok ? head.stdout.trim() || undefined : undefined,
    branch: branch.ok ? branch.stdout.trim() || undefined : undefined,
    dirty: status.ok ? status.stdout.trim().length > 0 : false,
  };
}

/** Fails with a clear error when `revision` does not name a commit. Returns the full hash. */
export async function resolveRevision(cwd: string, revision: string): Promise<string> {
  const result = await git(cwd, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (!result.ok || !result.stdout.trim()) {
    throw gitFailed({ command: `git rev-parse ${revision}`, reason: `"${revision}" is not a commit in this repository` });
  }
  return result.stdout.trim();
}

/**
 * The content of `path` (relative to `cwd`) as committed at `revision`, or undefined when the
 * file did not exist there.
 */
export async function readFileAtRevision(cwd: string, revision: string, path: string): Promise<string | undefined> {
  const result = await git(cwd, ['show', `${revision}:./${path}`]);
  if (result.ok) return result.stdout;
  if (/does not exist|exists on disk, but not in/i.test(result.stderr)) return undefined;
  throw gitFailed({ command: `git show ${revision}:${path}`, reason: result.stderr.split('\n')[0] || 'unknown error' });
}

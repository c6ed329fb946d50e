/** The few git facts Sluice records and reads: the commit, the dirty flag, files at a revision. */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const result = await gitBytes(cwd, args);
  return result.ok ? { ok: true, stdout: result.stdout.toString('utf8') } : result;
}

/** `git args` with its output as bytes (file contents at a revision may be images). */
async function gitBytes(cwd: string, args: readonly string[]): Promise<{ ok: true; stdout: Buffer } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 256 << 20, encoding: 'buffer' });
    return { ok: true, stdout };
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, stderr: stderr.trim() };
  }
}

export interface GitStateOptions {
  /**
   * Paths relative to `cwd` that the caller writes itself (a pipeline's lockfile and outputs):
   * changes to them, or to files inside them, do not make the working copy dirty.
   */
  readonly ownPaths?: readonly string[];
  /** Lines the caller adds to `cwd`'s `.gitignore`: a `.gitignore` that differs from HEAD's only by these is not dirty. */
  readonly ownGitignoreLines?: readonly string[];
}

/** Commit, branch and dirty flag of the repository containing `cwd`. */
export async function readGitState(cwd: string, options: GitStateOptions = {}): Promise<GitState> {
  // Two git processes, not one per fact: on a large Node process each spawn blocks for several ms.
  // --no-ahead-behind: counting commits against the upstream costs seconds on a long-diverged branch.
  const [status, prefix] = await Promise.all([
    git(cwd, ['status', '--porcelain=v2', '--branch', '--no-ahead-behind', '-z', '--untracked-files=all']),
    git(cwd, ['rev-parse', '--show-prefix']),
  ]);
  const base = prefix.ok ? prefix.stdout.trim() : '';
  const own = (options.ownPaths ?? []).map((path) => `${base}${path.replace(/^\.\/|\/+$/g, '')}`);
  const parsed = status.ok ? parseStatus(status.stdout) : { ...(await readHead(cwd)), changed: [] };
  const gitignore = `${base}.gitignore`;
  let dirty = parsed.changed.some((path) => path !== gitignore && !own.some((mine) => path === mine || path.startsWith(`${mine}/`)));
  if (!dirty && parsed.changed.includes(gitignore)) dirty = !(await gitignoreOnlyHas(cwd, options.ownGitignoreLines ?? []));
  return { commit: parsed.commit, branch: parsed.branch, dirty };
}

/** Commit and branch without `git status` (which fails on a broken submodule or index, while HEAD is still readable). */
async function readHead(cwd: string): Promise<{ commit: string | undefined; branch: string | undefined }> {
  const [head, branch] = await Promise.all([git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']), git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'])]);
  return { commit: head.ok ? head.stdout.trim() || undefined : undefined, branch: branch.ok ? branch.stdout.trim() || undefined : undefined };
}

/**
 * `git status --porcelain=v2 --branch -z`: the commit (none before the first), the branch (none
 * when detached) and the repository-relative paths that changed (a rename's source is skipped).
 */
function parseStatus(output: string): { commit: string | undefined; branch: string | undefined; changed: string[] } {
  let commit: string | undefined;
  let branch: string | undefined;
  const changed: string[] = [];
  const fields = output.split('\0');
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    if (field.startsWith('# branch.oid ')) {
      const value = field.slice('# branch.oid '.length);
      commit = value === '(initial)' ? undefined : value;
    } else if (field.startsWith('# branch.head ')) {
      const value = field.slice('# branch.head '.length);
      branch = value === '(detached)' ? undefined : value;
    } else if (field.startsWith('? ')) {
      changed.push(field.slice(2));
    } else if (/^[12u] /.test(field)) {
      // Ordinary (1), renamed or copied (2, followed by its source) and unmerged (u) entries: the path follows a fixed number of fields.
      const kind = field[0];
      changed.push(afterFields(field, kind === '1' ? 8 : kind === '2' ? 9 : 10));
      if (kind === '2') index++;
    }
  }
  return { commit, branch, changed };
}

/** What follows the first `count` space-separated fields of `line` (a path may itself hold spaces). */
function afterFields(line: string, count: number): string {
  let at = 0;
  for (let field = 0; field < count; field++) at = line.indexOf(' ', at) + 1;
  return line.slice(at);
}

/** Whether `cwd`'s .gitignore differs from HEAD's only by lines in `own`. */
async function gitignoreOnlyHas(cwd: string, own: readonly string[]): Promise<boolean> {
  const mine = new Set(own);
  const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !mine.has(line));
  const committed = await readFileAtRevision(cwd, 'HEAD', '.gitignore').catch(() => undefined);
  let current: string | undefined;
  try {
    current = readFileSync(join(cwd, '.gitignore'), 'utf8');
  } catch {
    current = undefined;
  }
  return lines(committed).join('\n') === lines(current).join('\n');
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
  return (await readBytesAtRevision(cwd, revision, path))?.toString('utf8');
}

/** {@link readFileAtRevision} as bytes, for files that are not text (images). */
export async function readBytesAtRevision(cwd: string, revision: string, path: string): Promise<Buffer | undefined> {
  const result = await gitBytes(cwd, ['show', `${revision}:./${path}`]);
  if (result.ok) return result.stdout;
  if (/does not exist|exists on disk, but not in/i.test(result.stderr)) return undefined;
  throw gitFailed({ command: `git show ${revision}:${path}`, reason: result.stderr.split('\n')[0] || 'unknown error' });
}

/** Files under `cwd` in the working copy (tracked, and untracked but not ignored) whose names end with `suffix`; undefined outside git. */
export async function listWorkingFiles(cwd: string, suffix: string): Promise<string[] | undefined> {
  const result = await git(cwd, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', `*${suffix}`]);
  if (!result.ok) return undefined;
  return [...new Set(result.stdout.split('\0').filter((path) => path.endsWith(suffix)))].sort();
}

/** Files committed at `revision` (relative to `cwd`) whose names end with `suffix`. */
export async function listFilesAtRevision(cwd: string, revision: string, suffix: string): Promise<string[]> {
  const result = await git(cwd, ['ls-tree', '-r', '-z', '--name-only', '--full-name', revision, '--', '.']);
  if (!result.ok) throw gitFailed({ command: `git ls-tree ${revision}`, reason: result.stderr.split('\n')[0] || 'unknown error' });
  const prefix = await git(cwd, ['rev-parse', '--show-prefix']);
  const base = prefix.ok ? prefix.stdout.trim() : '';
  return result.stdout
    .split('\0')
    .filter((path) => path.endsWith(suffix) && path.startsWith(base))
    .map((path) => path.slice(base.length));
}

/**
 * Every distinct version of the files named `*suffix` (or exactly `basename`) in any commit
 * reachable from a branch, a tag or HEAD (what `sluice data gc` keeps), with the commit count.
 * One `rev-list --objects` walk plus one `cat-file --batch` read, however long the history.
 */
export async function readHistoryBlobs(cwd: string, match: { suffix: string; basename: string }): Promise<{ commits: number; blobs: { path: string; text: string }[] }> {
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const starts = ['--branches', '--tags', ...(head.ok && head.stdout.trim() ? ['HEAD'] : [])];
  const [objects, count] = await Promise.all([git(cwd, ['rev-list', '--objects', ...starts]), git(cwd, ['rev-list', '--count', ...starts])]);
  if (!objects.ok) return { commits: 0, blobs: [] };
  const wanted = new Map<string, string>();
  for (const line of objects.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const path = line.slice(space + 1);
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (path.endsWith(match.suffix) || name === match.basename) wanted.set(line.slice(0, space), path);
  }
  const blobs = wanted.size === 0 ? [] : await catBlobs(cwd, wanted);
  return { commits: count.ok ? Number(count.stdout.trim()) : 0, blobs };
}

/** Reads blobs by id through one `git cat-file --batch` process. */
function catBlobs(cwd: string, paths: ReadonlyMap<string, string>): Promise<{ path: string; text: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(gitFailed({ command: 'git cat-file --batch', reason: stderr.split('\n')[0] || `exit ${code}` }));
      const output = Buffer.concat(chunks);
      const blobs: { path: string; text: string }[] = [];
      let offset = 0;
      while (offset < output.length) {
        const newline = output.indexOf(0x0a, offset);
        const [id, type, size] = output.subarray(offset, newline).toString().split(' ');
        if (type === undefined || size === undefined) {
          offset = newline + 1; // "<id> missing": nothing to read
          continue;
        }
        const start = newline + 1;
        const end = start + Number(size);
        if (type === 'blob') blobs.push({ path: paths.get(id!) ?? id!, text: output.subarray(start, end).toString('utf8') });
        offset = end + 1;
      }
      resolve(blobs);
    });
    child.stdin.end([...paths.keys()].join('\n') + '\n');
  });
}

/**
 * Stops git tracking `path` (a file or directory, relative to `cwd`) without touching the working
 * copy: `git rm -r --cached`. Returns whether git was tracking it; false outside a repository.
 */
export async function untrackInGit(cwd: string, path: string): Promise<boolean> {
  const listed = await git(cwd, ['ls-files', '-z', '--', path]);
  if (!listed.ok || listed.stdout.length === 0) return false;
  const removed = await git(cwd, ['rm', '-r', '-q', '--cached', '--', path]);
  if (!removed.ok) throw gitFailed({ command: `git rm -r --cached ${path}`, reason: removed.stderr.split('\n')[0] || 'unknown error' });
  return true;
}

/** The fetch URL of git remote `name` of the repository at `cwd`, or undefined when it has no such remote. */
export async function readGitRemoteUrl(cwd: string, name = 'origin'): Promise<string | undefined> {
  const result = await git(cwd, ['remote', 'get-url', name]);
  return result.ok ? result.stdout.trim() || undefined : undefined;
}

/** Where `cwd` lies inside its repository, as `git rev-parse --show-prefix` says (`''` at the top, `sub/dir/` below it). */
export async function readGitPrefix(cwd: string): Promise<string> {
  const result = await git(cwd, ['rev-parse', '--show-prefix']);
  return result.ok ? result.stdout.trim() : '';
}

/** The folder of `cwd` in its repository without the trailing slash (`ml`), '' at its top or outside git. */
export async function readGitFolder(cwd: string): Promise<string> {
  return (await readGitPrefix(cwd)).replace(/\/$/, '');
}

/** The top folder of the working tree around `cwd` (`git rev-parse --show-toplevel`), or undefined outside git. */
export async function readGitTopLevel(cwd: string): Promise<string | undefined> {
  const result = await git(cwd, ['rev-parse', '--show-toplevel']);
  return result.ok ? result.stdout.trim() || undefined : undefined;
}

/** A commit that changed a file: its id, commit time (ms) and subject line. */
export interface FileCommit {
  readonly commit: string;
  readonly time: number;
  readonly subject: string;
}

/** The commits that changed `path` (relative to `cwd`), newest first, at most `limit`; none outside a repository. */
export async function fileCommits(cwd: string, path: string, limit: number): Promise<FileCommit[]> {
  const result = await git(cwd, ['log', `--max-count=${limit}`, '--format=%H%x09%ct%x09%s', '--', path]);
  if (!result.ok) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [commit = '', time = '0', ...subject] = line.split('\t');
      return { commit, time: Number(time) * 1000, subject: subject.join('\t') };
    });
}

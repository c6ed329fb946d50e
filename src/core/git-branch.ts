/**
 * A branch and its upstream, for `sluice data status --remote` (which pointers the upstream
 * changed) and `sluice watch` (fetch, find the branch head, check it out, see what a new commit
 * changed). Plain `git` commands; failures become `SLUICE_CORE_GIT_FAILED` with git's reason.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { gitFailed } from './errors.js';

const execFileAsync = promisify(execFile);

async function run(cwd: string, args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 64 << 20, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    return { ok: true, stdout };
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, stderr: stderr.trim() };
  }
}

async function runOrFail(cwd: string, args: readonly string[]): Promise<string> {
  const result = await run(cwd, args);
  if (!result.ok) throw gitFailed({ command: `git ${args.join(' ')}`, reason: result.stderr.split('\n')[0] || 'unknown error' });
  return result.stdout;
}

/** The branch `origin/HEAD` names (the remote's default branch), when the clone knows it. */
export async function remoteDefaultBranch(cwd: string): Promise<string | undefined> {
  const result = await run(cwd, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  return result.ok ? result.stdout.trim().replace(/^origin\//, '') || undefined : undefined;
}

/** The branch checked out in `cwd`, or undefined on a detached HEAD or outside git. */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  const result = await run(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.ok ? result.stdout.trim() || undefined : undefined;
}

/** The upstream of local `branch` (`origin/main`), or undefined when it has none. */
export async function upstreamOf(cwd: string, branch: string): Promise<string | undefined> {
  const result = await run(cwd, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', `${branch}@{upstream}`]);
  return result.ok ? result.stdout.trim() || undefined : undefined;
}

/** The commit `revision` names, or undefined when it names none. */
export async function commitOf(cwd: string, revision: string): Promise<string | undefined> {
  const result = await run(cwd, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  return result.ok ? result.stdout.trim() || undefined : undefined;
}

/** `git fetch` of the remote `upstream` (`origin/main`) belongs to, for that branch only. */
export async function fetchUpstream(cwd: string, upstream: string): Promise<void> {
  const slash = upstream.indexOf('/');
  const remote = slash > 0 ? upstream.slice(0, slash) : upstream;
  await runOrFail(cwd, ['fetch', '--quiet', remote]);
}

/** Whether commit `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await run(cwd, ['merge-base', '--is-ancestor', ancestor, descendant])).ok;
}

/** Files (relative to the repository root) that differ between two commits. */
export async function filesChangedBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const output = await runOrFail(cwd, ['diff', '--name-only', '-z', '--no-renames', from, to, '--']);
  return output.split('\0').filter((path) => path.length > 0);
}

/** Tracked files with uncommitted changes (untracked files are not counted). */
export async function trackedChanges(cwd: string): Promise<string[]> {
  const output = await runOrFail(cwd, ['status', '--porcelain', '-z', '--untracked-files=no']);
  return output.split('\0').filter((field) => field.length > 3).map((field) => field.slice(3));
}

/** Detaches HEAD at its commit (`git checkout --detach`): no file changes; the branch stays as it is. Returns the commit. */
export async function detachHead(cwd: string): Promise<string> {
  await runOrFail(cwd, ['checkout', '--quiet', '--detach']);
  return (await runOrFail(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
}

/**
 * Points local `branch` at `commit` and checks it out, replacing changes to tracked files
 * (`git checkout --force -B`); untracked and ignored files stay.
 */
export async function checkoutBranchAt(cwd: string, branch: string, commit: string): Promise<void> {
  await runOrFail(cwd, ['checkout', '--quiet', '--force', '-B', branch, commit]);
}

/**
 * Ignores the file at `path` (relative to `cwd`) in this clone only (`.git/info/exclude`), for
 * files a tool keeps in the working copy that must neither be committed nor make it dirty;
 * nothing tracked changes.
 */
export async function excludeLocally(cwd: string, file: string): Promise<void> {
  const path = (await runOrFail(cwd, ['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude'])).trim();
  const pattern = `/${(await runOrFail(cwd, ['rev-parse', '--show-prefix'])).trim()}${file}`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (text.split(/\r?\n/).includes(pattern)) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}${pattern}\n`);
}

/**
 * Running the real `sluice` binary in scratch git repositories, as a user would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited, track } from './processes.js';
import { makeTempDir } from './temp-dir.js';

export { exited, killProcess, stopProcess } from './processes.js';

/** The repository's `bin/sluice`. */
export const SLUICE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'sluice');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sluice ...args` to completion. */
export function sluice(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [SLUICE_BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', SLUICE_DEBUG: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `sluice ...args` to completion without blocking the event loop: needed when the test
 * process itself serves something the CLI talks to (s3rver, an HTTP server).
 */
export async function sluiceAsync(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = track(
    spawn(process.execPath, [SLUICE_BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', SLUICE_DEBUG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    const { code } = await exited(child, 130_000);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `sluice ...args` without waiting (for interrupt and kill tests). The child is tracked
 * (killed if the test file ends with it still running); stop it in the test's `t.after` hook with
 * `stopProcess(child)` so an assertion failing midway cannot leave it running. `bin` runs another
 * build of `sluice` (a copy under another version).
 */
export function startSluice(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, bin: string = SLUICE_BIN): ChildProcess {
  return track(spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export interface ScratchRepo {
  /** The repository root. */
  readonly root: string;
  /** A directory beside the repository for test bookkeeping (not part of any pipeline). */
  readonly outside: string;
  write(path: string, content: string): void;
  git(...args: string[]): string;
  remove(): void;
}

/** A fresh git repository with `files`, committed. */
export function scratchRepo(files: Readonly<Record<string, string>>): ScratchRepo {
  const temp = makeTempDir('sluice-e2e-');
  const root = join(temp.path, 'repo');
  const outside = join(temp.path, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const git = (...args: string[]): string => {
    const result = spawnSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'initial');
  return { root, outside, write, git, remove: temp.remove };
}

/**
 * Waits until a process the test started has written a whole line to `path` (a pid, a marker),
 * and returns it: the file can exist before its content is written.
 */
export async function waitForLine(path: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (text.endsWith('\n')) return text.trim();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} was not written within ${timeoutMs} ms`);
}

/**
 * Sets the mtime of every file of the repository (but git's) `secondsAgo` in the past. Files a
 * test has just written are within the racy margin of a command that starts right after, which
 * rightly remembers nothing by their stats (no stat-cache entry, no status snapshot); aged, they
 * are as a user's files usually are.
 */
export function ageFiles(root: string, secondsAgo = 60): void {
  const then = new Date(Date.now() - secondsAgo * 1000);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || relative(root, path).split(sep)[0] === '.git') continue;
    utimesSync(path, then, then);
  }
}

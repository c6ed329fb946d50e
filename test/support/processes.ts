/**
 * Child processes started by tests, and bounded waits. Every child started through the helpers is
 * tracked, so none outlives its test file: tests stop theirs in `t.after`/`after` hooks (which run
 * even when an assertion fails), and whatever is still running when the test process exits, or
 * when the runner stops a file that ran past its timeout (SIGTERM), is killed with its whole tree.
 */
import type { ChildProcess } from 'node:child_process';
import { killTree } from './process-tree.js';

const running = new Set<ChildProcess>();

/**
 * Registers a started child so it is killed if its test file ends without stopping it. The child
 * and its pipes no longer keep the test process alive by themselves (every wait on a child is
 * bounded by a timer, which does): a forgotten child cannot hang its file; it dies on exit.
 */
export function track<T extends ChildProcess>(child: T): T {
  if (child.exitCode === null && child.signalCode === null) {
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  }
  return child;
}

/** SIGKILLs every tracked child that is still running, with everything it started. */
export function killTracked(): void {
  for (const child of running) if (child.pid !== undefined) killTree(child.pid);
  running.clear();
}

process.once('exit', killTracked);
process.once('SIGTERM', () => {
  killTracked();
  process.exit(143);
});

/** `promise`, or a rejection saying what did not happen within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function describeChild(child: ChildProcess): string {
  return `process ${child.pid ?? '?'} (${child.spawnargs.slice(1).join(' ')})`;
}

/** Resolves with the exit code (or signal) of a started process; rejects if it runs past `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs = 60_000): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return within(exit, timeoutMs, `the exit of ${describeChild(child)}`);
}

/**
 * Stops a child: `signal` (SIGTERM by default), and after `graceMs` SIGKILL of its whole tree.
 * Safe to call again, and on a child that has already exited: it answers how the child ended.
 */
export async function stopProcess(child: ChildProcess, graceMs = 30_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  child.kill(signal);
  try {
    return await exited(child, graceMs);
  } catch {
    if (child.pid !== undefined) killTree(child.pid);
    return await exited(child, 10_000);
  }
}

/** SIGKILLs a child with everything it started (a test's cleanup); answers how it ended. */
export async function killProcess(child: ChildProcess): Promise<Exit> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) killTree(child.pid);
  return await exited(child, 10_000);
}

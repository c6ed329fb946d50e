/**
 * What the benchmarks share: scratch directories, timing spawned commands, medians and a plain
 * table. Node built-ins only, so that a figure measures Sluice and not a harness.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The Sluice repository (this file runs from dist/bench/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `sluice` command as users run it. */
export const SLUICE_BIN = join(REPO_ROOT, 'bin', 'sluice');

/** Colour codes in the output would defeat the checks on it. */
const PLAIN_ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SLUICE_DEBUG: '' };

/** Fixed git identity, so `git commit` works on machines without one configured. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/**
 * Runs `work` in a fresh directory under os.tmpdir() and removes it afterwards, also when `work`
 * throws or the user presses Ctrl-C: a benchmark leaves a gigabyte or 20,000 files behind otherwise.
 */
export async function withTempDir<T>(prefix: string, work: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    process.exit(128 + constants.signals[signal]);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(dir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    remove();
  }
}

export interface TimedRun {
  /** Wall time from spawn to exit, as a user waiting at the prompt sees it. */
  readonly seconds: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion and measures its wall time. */
export function timeCommand(command: string, args: readonly string[], options: CommandOptions = {}): TimedRun {
  const start = performance.now();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? PLAIN_ENV,
    encoding: 'utf8',
    // `git status` or a checksum list can outgrow the 1 MiB default and would be cut off.
    maxBuffer: 256 << 20,
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
  return { seconds, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Like {@link timeCommand}, but a failure stops the benchmark with the command's stderr: the
 * time of a command that failed half-way is meaningless.
 */
export function timeSuccess(command: string, args: readonly string[], options: CommandOptions = {}): TimedRun {
  const run = timeCommand(command, args, options);
  if (run.status !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with ${run.status ?? 'a signal'}:\n${run.stderr.trim() || '(no stderr)'}`);
  }
  return run;
}

/** Runs `node bin/sluice ...args` in `cwd`, failing loudly unless it exits 0. */
export function timeSluice(cwd: string, args: readonly string[]): TimedRun {
  return timeSuccess(process.execPath, [SLUICE_BIN, ...args], { cwd });
}

/** Runs `git ...args` in `cwd` (untimed set-up). */
export function git(cwd: string, ...args: string[]): string {
  return timeSuccess('git', args, { cwd, env: GIT_ENV }).stdout;
}

/**
 * `git init` for a benchmark. Automatic gc is off: committing 20,000 files would otherwise start
 * a background `git gc` that competes for the CPU during the measurements and writes into .git
 * while the directory is being removed.
 */
export function initGitRepo(cwd: string): void {
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'config', 'gc.auto', '0');
  git(cwd, 'config', 'maintenance.auto', 'false');
}

/** Whether `command` is on the PATH (checked by running `command --version`). */
export function hasCommand(command: string): boolean {
  const result = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs every task `repetitions` times and returns each one's median seconds. The tasks take
 * turns (a, b, a, b…) rather than running back to back, so that a slow patch of the machine
 * (another process, CPU frequency) lands on all of them instead of on one.
 */
export async function medianSeconds<K extends string>(
  repetitions: number,
  tasks: Readonly<Record<K, () => number | Promise<number>>>,
): Promise<Record<K, number>> {
  const names = Object.keys(tasks) as K[];
  const samples = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < repetitions; round++) {
    for (const name of names) samples.get(name)!.push(await tasks[name]());
  }
  return Object.fromEntries(names.map((name) => [name, median(samples.get(name)!)])) as Record<K, number>;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(3)} s`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** Prints a table with the first column left-aligned and the others (figures) right-aligned. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  console.log(line(headers));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Prints the goal and whether this run met it; returns whether it did. */
export function reportGoal(goal: string, met: boolean): boolean {
  console.log(`Goal: ${goal} — ${met ? 'met' : 'NOT met'}`);
  return met;
}

/** A positive integer from the environment, or `fallback` when the variable is unset. */
export function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

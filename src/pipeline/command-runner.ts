/**
 * Running a stage's commands: through the shell, in the stage's working directory, with live
 * output, a full log file, and the last lines of stderr kept for the failure message.
 *
 * Each command runs in its own process group, so stopping a stage (Ctrl-C, SIGTERM) reaches the
 * whole tree the command started (a `python` under `sh`, say) and not only the shell.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export type OutputStream = 'stdout' | 'stderr';

export interface CommandRunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Full stdout and stderr go here. */
  readonly logFile: string;
  readonly onOutput?: (stream: OutputStream, text: string) => void;
  /** Aborting stops the running command: SIGTERM to its group, SIGKILL after the grace period. */
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
}

export interface CommandResult {
  /** 0 when every command succeeded. */
  readonly exitCode: number | undefined;
  /** Set when a command was ended by a signal. */
  readonly signal: NodeJS.Signals | undefined;
  /** The command that failed, if one did. */
  readonly failedCommand: string | undefined;
  /** The last lines of stderr (or of stdout when stderr was empty). */
  readonly tail: readonly string[];
  readonly interrupted: boolean;
}

const TAIL_LINES = 20;

/** Process groups of the commands running now, for {@link killRunningCommands}. */
const runningGroups = new Set<number>();

/** SIGKILLs every running command's process group at once (a second Ctrl-C, before exiting). */
export function killRunningCommands(): void {
  for (const pid of runningGroups) signalGroup(pid, 'SIGKILL');
}

/** Keeps the last N lines of a stream without holding all of it. */
class LineTail {
  private lines: string[] = [];
  private partial = '';

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > TAIL_LINES) this.lines = this.lines.slice(-TAIL_LINES);
  }

  get(): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-TAIL_LINES);
  }
}

/** Runs `commands` in order, stopping at the first failure. */
export async function runCommands(commands: readonly string[], options: CommandRunOptions): Promise<CommandResult> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'w' });
  const stderrTail = new LineTail();
  const stdoutTail = new LineTail();
  try {
    for (const command of commands) {
      if (options.signal?.aborted) return failed(command, undefined, undefined, true);
      log.write(`$ ${command}\n`);
      const { exitCode, signal, interrupted } = await runOne(command, options, log, stdoutTail, stderrTail);
      if (exitCode !== 0 || interrupted) return failed(command, exitCode ?? undefined, signal ?? undefined, interrupted);
    }
    return { exitCode: 0, signal: undefined, failedCommand: undefined, tail: [], interrupted: false };
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }

  function failed(command: string, exitCode: number | undefined, signal: NodeJS.Signals | undefined, interrupted: boolean): CommandResult {
    const errors = stderrTail.get();
    return { exitCode, signal, failedCommand: command, tail: errors.length > 0 ? errors : stdoutTail.get(), interrupted };
  }
}

function runOne(
  command: string,
  options: CommandRunOptions,
  log: WriteStream,
  stdoutTail: LineTail,
  stderrTail: LineTail,
): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; interrupted: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) runningGroups.add(child.pid);
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      interrupted = true;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 5_000);
    };
    options.signal?.addEventListener('abort', stop, { once: true });

    const forward = (stream: OutputStream, tail: LineTail) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.write(chunk);
      tail.push(text);
      options.onOutput?.(stream, text);
    };
    child.stdout.on('data', forward('stdout', stdoutTail));
    child.stderr.on('data', forward('stderr', stderrTail));
    let settled = false;
    const settle = (result: { exitCode: number | null; signal: NodeJS.Signals | null; interrupted: boolean }): void => {
      if (settled) return;
      settled = true;
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      resolve(result);
    };
    child.on('error', (error) => {
      // The shell could not be started (e.g. the working directory is gone).
      stderrTail.push(`${error.message}\n`);
      log.write(`${error.message}\n`);
      settle({ exitCode: 127, signal: null, interrupted });
    });
    let exit: { exitCode: number | null; signal: NodeJS.Signals | null } = { exitCode: null, signal: null };
    child.on('exit', (exitCode, signal) => {
      exit = { exitCode, signal };
      // Processes the command left running in its group would hold the pipes open and outlive the stage.
      signalGroup(child.pid, 'SIGKILL');
    });
    child.on('close', (exitCode, signal) => {
      const code = exit.exitCode ?? exitCode;
      const endedBy = exit.signal ?? signal;
      settle({ exitCode: code ?? (endedBy ? 128 : 1), signal: endedBy, interrupted });
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * How `sluice watch` runs `sluice ci`: a child process (never in its own process, so a crash or
 * a leak of one run cannot take the watch down), told why it runs by `SLUICE_CI_TRIGGER`.
 */
import { spawn } from 'node:child_process';
import type { WatchTrigger } from './watch-state.js';

/** The environment variable that tells `sluice ci` why it runs (recorded as the run's `sluice.ci.trigger` tag). */
export const CI_TRIGGER_ENV = 'SLUICE_CI_TRIGGER';

/** What a run is for. */
export interface CiRunRequest {
  readonly trigger: WatchTrigger;
  readonly branch: string;
  readonly commit: string;
}

/** How a run ended. */
export interface CiRunOutcome {
  /** The exit code; null when it ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal?: string | undefined;
  /** Why it could not start (the command was not found…). */
  readonly error?: string | undefined;
  /** It was stopped because the watch is stopping: its state is not recorded as run. */
  readonly interrupted: boolean;
}

/** Runs CI once, in the working copy the watch checked out; `signal` aborts it (the watch is stopping). */
export type CiRunner = (request: CiRunRequest, signal: AbortSignal) => Promise<CiRunOutcome>;

export interface ChildRunnerOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** How long a child stopped with SIGTERM may take before SIGKILL (default 30 s). */
  readonly graceMs?: number | undefined;
}

/**
 * A {@link CiRunner} that runs `command` (program and arguments) as a child process with
 * `SLUICE_CI_TRIGGER` set, its output passed through. When the watch stops, the child gets
 * SIGTERM, then SIGKILL after the grace period.
 */
export function childProcessRunner(command: readonly [string, ...string[]], options: ChildRunnerOptions): CiRunner {
  return (request, signal) =>
    new Promise<CiRunOutcome>((resolve) => {
      if (signal.aborted) return resolve({ exitCode: null, interrupted: true });
      const child = spawn(command[0], command.slice(1), {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), [CI_TRIGGER_ENV]: request.trigger },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      let killTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 30_000);
      };
      signal.addEventListener('abort', stop, { once: true });
      const settle = (outcome: CiRunOutcome) => {
        signal.removeEventListener('abort', stop);
        clearTimeout(killTimer);
        resolve(outcome);
      };
      child.once('error', (error) => settle({ exitCode: null, error: error.message, interrupted: false }));
      child.once('exit', (code, exitSignal) => settle({ exitCode: code, ...(exitSignal ? { signal: exitSignal } : {}), interrupted: signal.aborted }));
    });
}

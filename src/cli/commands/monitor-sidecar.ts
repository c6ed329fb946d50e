/**
 * The monitor of an environment served by `sluice serve --env`, in a process of its own
 * (`sluice monitor watch`), so that judging windows (parsing the log, drift tests) never holds
 * up the event loop that answers requests: on a busy server a window a second would otherwise
 * add its milliseconds to the tail latency. It runs at the lowest CPU priority the system offers
 * (SCHED_IDLE through core's `idleScheduled`, and nice 19). The server logs what the monitor
 * reports, and closes its stdin to stop it after the server's last log flush; the monitor then
 * makes a last pass.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { idleScheduled } from '../../core/index.js';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { PassSummary } from '../format/monitor.js';
import type { CliContext } from '../services.js';
import { SIDECAR_ENV } from './monitor-watch.js';

export interface MonitorSidecar {
  /** Lets the monitor make its last pass and end (killed if it takes longer than 60 s). */
  stop(): Promise<void>;
}

export interface SidecarOutput {
  readonly logger: Logger | undefined;
  readonly warn: (message: string) => void;
  readonly cli: CliContext;
}

const STOP_TIMEOUT_MS = 60_000;

export function startMonitorSidecar(root: string, environment: string, out: SidecarOutput): MonitorSidecar {
  const { command, args } = idleScheduled(process.execPath, [...process.execArgv, process.argv[1]!, 'monitor', 'watch', '--env', environment, '--json']);
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, [SIDECAR_ENV]: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  lowerPriority(child.pid, out);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) out.warn(`the monitor of ${environment} stopped (${signal ?? `exit ${code}`}); windows are no longer judged in the server: see the lines above, or run \`sluice monitor watch --env ${environment}\``);
      resolve();
    });
    child.once('error', (error) => {
      out.warn(`the monitor of ${environment} could not start: ${error.message}`);
      resolve();
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => report(line, environment, out));
  createInterface({ input: child.stderr }).on('line', (line) => out.cli.stderr.write(`${line.replace(/^sluice: /, `sluice: monitor ${environment}: `)}\n`));
  // A server stopped by the test harness or a supervisor must not wait on a pipe.
  child.stdin.on('error', () => undefined);
  return {
    async stop() {
      stopping = true;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The monitor yields the CPU to the server: at the lowest priority, on a busy machine it falls
 * behind and catches up when traffic eases (its windows are cut from the log, so closing one late
 * changes no result), instead of taking cores from the requests.
 */
function lowerPriority(pid: number | undefined, out: SidecarOutput): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, 19);
  } catch (error) {
    out.logger?.debug({ monitor: true }, `the monitor's priority was not lowered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function report(line: string, environment: string, { logger, cli }: SidecarOutput): void {
  let summary: PassSummary;
  try {
    summary = JSON.parse(line) as PassSummary;
  } catch {
    cli.stderr.write(`sluice: monitor ${environment}: ${line}\n`);
    return;
  }
  for (const window of summary.windows) logger?.info({ monitor: true, window: window.id, rows: window.rows, results: window.results }, `monitor window closed: ${window.rows} rows`);
  for (const alert of summary.alerts) {
    logger?.warn({ monitor: true, alert: alert.id, rule: alert.rule, severity: alert.severity }, alert.message);
    cli.stderr.write(`sluice: MONITOR ALERT ${alert.message}\n`);
  }
  for (const note of summary.notes) cli.stderr.write(`sluice: monitor ${environment}: ${note}\n`);
}

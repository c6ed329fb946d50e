/**
 * A monitor running inside the server of its environment (`sluice serve --env NAME`): a pass
 * over the prediction log every interval, so windows close as traffic flows, never two passes at
 * once. It reads the same log, and stores the same windows, as `sluice monitor run`: a server
 * that is killed resumes, once restarted, from the last closed window. `stop()` waits for the
 * pass in progress and, once the server has flushed its log, a last pass closes what is complete.
 */
import type { MonitorRunReport, MonitorService } from './monitor-service.js';

/** How often the server looks for complete windows; its prediction log is flushed about as often. */
export const IN_SERVER_PASS_INTERVAL_MS = 1_000;

export interface MonitorLoopOptions {
  readonly service: MonitorService;
  readonly environment: string;
  readonly intervalMs?: number;
  /** A pass that closed windows (or raised alerts). */
  readonly onReport: (report: MonitorRunReport) => void;
  /**
   * A pass that failed (the registry unreachable, nothing served yet): reported, and the loop goes
   * on. A failure that repeats pass after pass (the same message) is reported once, not every second.
   */
  readonly onError: (error: unknown) => void;
  /** The first pass that ran after failed ones. */
  readonly onRecovered?: () => void;
}

export interface MonitorLoop {
  /** Runs a pass now (after the one in progress), e.g. a last one at shutdown. */
  passNow(): Promise<void>;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

export function startMonitorLoop(options: MonitorLoopOptions): MonitorLoop {
  const interval = options.intervalMs ?? IN_SERVER_PASS_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  let failing: string | undefined;
  const failed = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== failing) options.onError(error);
    failing = message;
  };
  const pass = async (): Promise<void> => {
    try {
      const { reports, failures } = await options.service.run(options.environment);
      for (const report of reports) if (report.windows.length > 0 || report.alerts.length > 0) options.onReport(report);
      if (failures[0]) return failed(failures[0].error);
      if (failing !== undefined) options.onRecovered?.();
      failing = undefined;
    } catch (error) {
      failed(error);
    }
  };
  const enqueue = (): Promise<void> => (running = running.then(pass));
  const tick = (): void => {
    void enqueue().then(() => {
      if (!stopped) timer = setTimeout(tick, interval).unref();
    });
  };
  timer = setTimeout(tick, interval).unref();

  return {
    passNow: enqueue,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

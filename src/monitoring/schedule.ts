/**
 * `sluice monitor schedule`: passes of the monitors on a cron schedule, for setups without a cron
 * daemon (a container, a laptop). Croner parses the expression (five or six fields, `L`, `W`,
 * `#`), and its over-run protection skips a tick while the previous pass still runs. A pass that
 * fails (the registry unreachable, nothing served yet) is reported and the schedule goes on.
 */
import { Cron } from 'croner';
import { invalidCron } from './errors.js';
import type { MonitorPassFailure, MonitorRunReport, MonitorService } from './monitor-service.js';

export interface MonitorSchedule {
  /** When the next pass starts. */
  nextRun(): Date | null;
  stop(): void;
}

/** A cron expression checked at the boundary: SLUICE_MONITOR_INVALID_CRON names croner's reason. */
export function checkCron(expression: string): Cron {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true });
  } catch (error) {
    throw invalidCron({ expression, reason: (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '') });
  }
  // Valid fields can still name no time that ever comes (the 31st of February).
  if (cron.nextRun() === null) {
    cron.stop();
    throw invalidCron({ expression, reason: 'it names no time that ever comes (like the 31st of February), so no pass would ever run' });
  }
  return cron;
}

export function scheduleMonitors(
  service: Pick<MonitorService, 'run'>,
  expression: string,
  handlers: {
    readonly environment?: string | undefined;
    onReport(reports: readonly MonitorRunReport[]): void;
    /** A pass that failed as a whole (no environment), or one monitor's pass. */
    onError(error: unknown, environment?: string): void;
  },
): MonitorSchedule {
  checkCron(expression).stop();
  const job = new Cron(expression, { protect: true, catch: (error: unknown) => handlers.onError(error) }, async () => {
    const { reports, failures } = await service.run(handlers.environment);
    handlers.onReport(reports);
    for (const failure of failures as readonly MonitorPassFailure[]) handlers.onError(failure.error, failure.environment);
  });
  return { nextRun: () => job.nextRun(), stop: () => job.stop() };
}

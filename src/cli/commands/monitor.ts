/** `sluice monitor run|status|history|alerts [--env NAME] [--limit N] [--json]`; `replay` here, `report` in monitor-report.ts. */
import { z } from 'zod';
import { findEnvironment, loadEnvironments } from '../../deploy/index.js';
import { checkCron, findMonitor, noMonitorsDeclared, replayData, scheduleMonitors, type MonitorConfig } from '../../monitoring/index.js';
import { currentWorkspace } from '../context.js';
import { renderAlerts, renderRunReports, renderWindows } from '../format/monitor.js';
import { reportError } from '../handle-error.js';
import { invalidOption, parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { withServices, type CliContext } from '../services.js';
import { workspaceMonitors } from './monitor-context.js';

export const MONITOR_ACTIONS = ['run', 'status', 'history', 'alerts', 'schedule', 'replay', 'watch', 'report', 'rules'] as const;
export type MonitorAction = (typeof MONITOR_ACTIONS)[number];

const monitorOptionsSchema = z.object({
  env: z.string().min(1, { error: 'must name an environment' }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(10_000, { error: 'must be at most 10000' }).default(20),
  json: z.boolean().default(false),
  cron: z.string().min(1, { error: 'must be a cron expression, like "*/5 * * * *"' }).optional(),
});

const replaySchema = z.object({
  env: z.string({ error: 'is required' }).min(1, { error: 'must name an environment' }),
  data: z.string({ error: 'is required' }).min(1, { error: 'must name a file' }),
  rate: z.coerce.number({ error: 'must be a number' }).positive({ error: 'must be more than 0' }).optional(),
  labels: z.string().min(1).optional(),
  url: z.url({ error: 'must be a URL like http://127.0.0.1:8080' }).optional(),
  json: z.boolean().default(false),
});

/** Where the environment's server listens, as sluice.yaml declares it; a port chosen at start is not known here. */
function environmentUrl(name: string, host: string, port: number): string {
  if (port === 0) throw invalidOption({ command: 'monitor replay', problem: `the environment ${name} listens on a port chosen when its server starts (port: 0 in sluice.yaml), so replay cannot know it: pass --url with the address \`sluice serve --env ${name}\` printed` });
  // A server listening on every interface is reached through the loopback one.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/** `sluice monitor replay`: a client of the running environment; no store needed. */
async function replayCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(replaySchema, rawOptions, 'monitor replay');
  const root = currentWorkspace().root;
  const environment = findEnvironment(loadEnvironments(root), options.env);
  const url = (options.url ?? environmentUrl(environment.name, environment.host, environment.port)).replace(/\/+$/, '');
  const report = await replayData({ url, data: options.data, rate: options.rate, labels: options.labels });
  if (options.json) printJson(output, report);
  else output.stdout.write(`Replayed ${report.answered} of ${report.rows} rows to ${url} in ${report.seconds.toFixed(1)} s${options.labels ? `, ${report.labelled} labels posted as feedback` : ''}.\n`);
  return 0;
}

/**
 * `run` and `schedule` need a monitor to run: none declared (or none by the name given) is a
 * configuration error before anything runs, not a pass that does nothing (or fails every tick).
 */
function checkMonitorsDeclared(config: MonitorConfig, action: MonitorAction, environment: string | undefined): void {
  if (config.monitors.size === 0) throw noMonitorsDeclared({ command: `monitor ${action}` });
  if (environment !== undefined) findMonitor(config, environment);
}

/** history and alerts are about one monitor. */
const oneMonitorSchema = monitorOptionsSchema.extend({ env: z.string({ error: 'is required' }).min(1, { error: 'must name an environment' }) });

export async function monitorCommand(action: MonitorAction, rawOptions: unknown, output: CliContext): Promise<number> {
  if (action === 'replay') return replayCommand(rawOptions, output);
  if (action === 'watch') return (await import('./monitor-watch.js')).monitorWatchCommand(rawOptions, output);
  if (action === 'rules') return (await import('./monitor-rules.js')).monitorRulesCommand(rawOptions, output);
  if (action === 'report') return (await import('./monitor-report.js')).monitorReportCommand(rawOptions, output);
  const options = parseOptions(action === 'history' || action === 'alerts' ? oneMonitorSchema : monitorOptionsSchema, rawOptions, `monitor ${action}`);
  // Checked before the store opens: a typo in the schedule is a usage error, not a run.
  if (action === 'schedule') checkCron(options.cron ?? '').stop();
  return withServices(output, async (services) => {
    const { config, service: monitors } = workspaceMonitors(services, { watch: action === 'schedule' });
    if (action === 'run' || action === 'schedule') checkMonitorsDeclared(config, action, options.env);
    if (action === 'schedule') {
      const print = (text: string) => output.stdout.write(`${new Date().toISOString()} ${text}`);
      const schedule = scheduleMonitors(monitors, options.cron!, {
        environment: options.env,
        // One line per pass with --json, as `monitor watch --json` prints: a stream of documents.
        onReport: (reports) => (options.json ? output.stdout.write(`${JSON.stringify(reports.map(({ alerts, ...report }) => ({ ...report, alerts: alerts.map(({ alert }) => alert) })))}\n`) : print(renderRunReports(reports))),
        onError: (error, environment) => output.stderr.write(`sluice: ${environment === undefined ? 'monitor pass' : `the monitor of ${environment}`} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`),
      });
      output.stderr.write(`Monitoring ${options.env ?? 'every environment'} on "${options.cron}"; next pass at ${schedule.nextRun()?.toISOString() ?? 'never'}. Ctrl-C or SIGTERM stops.\n`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      schedule.stop();
      return 0;
    }
    if (action === 'run' || action === 'status') {
      if (action === 'run') {
        const { reports, failures } = await monitors.run(options.env);
        // The one monitor asked for failed: its error is the command's, as any other.
        if (options.env !== undefined && failures[0]) throw failures[0].error;
        if (options.json) printJson(output, reports.map(({ alerts, ...report }) => ({ ...report, alerts: alerts.map(({ alert }) => alert) })));
        else output.stdout.write(renderRunReports(reports));
        // The others ran and stored their windows; each failure is named, and the worst sets the exit code.
        return Math.max(0, ...failures.map((failure) => reportError(failure.error, output, `the monitor of ${failure.environment} did not run`)));
      }
      const names = options.env === undefined ? [...config.monitors.keys()] : [options.env];
      const latest = await Promise.all(names.map(async (name) => ({ environment: name, window: (await monitors.history(name, { limit: 1 }))[0] ?? null })));
      if (options.json) printJson(output, latest);
      else output.stdout.write(latest.map(({ environment, window }) => (window ? renderWindows([window]) : `${environment}: no window closed yet\n`)).join(''));
      return 0;
    }
    const env = options.env!;
    if (action === 'history') {
      const windows = await monitors.history(env, { limit: options.limit });
      if (options.json) printJson(output, windows);
      else output.stdout.write(windows.length === 0 ? `The monitor of ${env} has closed no window yet.\n` : renderWindows(windows));
      return 0;
    }
    const alerts = await monitors.alerts(env, { limit: options.limit });
    if (options.json) printJson(output, alerts);
    else output.stdout.write(alerts.length === 0 ? `The monitor of ${env} has raised no alert.\n` : renderAlerts(alerts));
    return 0;
  });
}

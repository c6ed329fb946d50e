/**
 * `sluice monitor watch --env NAME [--json]`: the environment's monitor running continuously, a
 * pass a second, until Ctrl-C or SIGTERM: beside a server, as a sidecar container, or started by
 * `sluice serve --env` itself. With --json, each pass that closed windows or raised alerts is one
 * line of JSON (a {@link PassSummary}).
 *
 * Started by a server (SLUICE_MONITOR_SIDECAR=1), it runs until the server closes its stdin,
 * signals aside: a Ctrl-C reaches the whole process group, and the server's last log flush comes
 * after it, so the server decides when the last pass runs. A server that dies (even by SIGKILL)
 * closes the pipe too.
 */
import { z } from 'zod';
import { findMonitor, startMonitorLoop } from '../../monitoring/index.js';
import { passSummary, renderRunReports } from '../format/monitor.js';
import { parseOptions } from '../options.js';
import { withServices, type CliContext } from '../services.js';
import { workspaceMonitors } from './monitor-context.js';

/** Set for a monitor a server started: it stops when its stdin ends. */
export const SIDECAR_ENV = 'SLUICE_MONITOR_SIDECAR';

const watchSchema = z.object({
  env: z.string({ error: 'is required' }).min(1, { error: 'must name an environment' }),
  json: z.boolean().default(false),
});

function until(sidecar: boolean): Promise<void> {
  return new Promise<void>((done) => {
    if (sidecar) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
      process.stdin.on('end', done).on('close', done).resume();
      return;
    }
    // The loop's timer does not hold the process open (a server's monitor ends with the server),
    // so this does, until a signal: without it the command would end as soon as it started.
    const open = setInterval(() => undefined, 1 << 30);
    const stop = (): void => {
      clearInterval(open);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function monitorWatchCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(watchSchema, rawOptions, 'monitor watch');
  const sidecar = process.env[SIDECAR_ENV] === '1';
  return withServices(cli, async (services) => {
    const { config, service } = workspaceMonitors(services, { watch: true });
    const monitor = findMonitor(config, options.env);
    const loop = startMonitorLoop({
      service,
      environment: monitor.environment,
      onReport: (report) => cli.stdout.write(options.json ? `${JSON.stringify(passSummary(report))}\n` : `${new Date().toISOString()} ${renderRunReports([report])}`),
      onError: (error) => cli.stderr.write(`sluice: monitor pass failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (passes go on every second; this is said again only if it changes)\n`),
      onRecovered: () => cli.stderr.write(`sluice: monitor of ${monitor.environment}: passes run again\n`),
    });
    if (!sidecar) cli.stderr.write(`Monitoring ${monitor.environment}: a pass every second. Ctrl-C or SIGTERM stops.\n`);
    await until(sidecar);
    await loop.stop();
    await loop.passNow();
    return 0;
  });
}

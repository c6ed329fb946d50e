/** The flags of `sluice monitor`. */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

export function defineMonitorCommands(program: Command, run: Runner, output: CliContext): void {
  const monitor = program.command('monitor').description("watch deployed environments' traffic: drift, data quality and live performance, with alerts");
  const actions: readonly [string, string][] = [
    ['run', 'one pass over the prediction log: close complete windows, run their checks, raise and deliver alerts (for cron or CI)'],
    ['status', 'the latest window of each monitor and its checks'],
    ['history', 'the closed windows of a monitor, newest first'],
    ['alerts', 'the alerts a monitor raised, newest first'],
    ['schedule', 'passes on a cron schedule (for setups without a cron daemon) until Ctrl-C or SIGTERM'],
    ['watch', "a pass every second until Ctrl-C or SIGTERM (what `sluice serve --env` runs beside itself)"],
    ['rules', 'write Prometheus alerting rules and a Grafana dashboard over the monitor gauges of `sluice serve --env`'],
    ['replay', 'stream a data set through the running environment (and its labels as feedback) to try a monitor'],
    ['report', "a monitor's windows over time as a self-contained HTML page (charts, alerts, latest checks) and/or Markdown"],
  ];
  for (const [name, description] of actions) {
    const command = monitor.command(name).description(description).option('--json', 'print machine-readable JSON');
    if (name === 'replay') command.requiredOption('--env <name>', 'the environment, as declared under deploy: in sluice.yaml');
    else if (name === 'rules') command.option('--env <name>', "only this environment's monitor (default: every monitor)").requiredOption('--out <dir>', 'where to write sluice-monitor-rules.yaml and sluice-monitor-dashboard.json');
    else if (name === 'watch') command.requiredOption('--env <name>', 'the environment, as declared under monitor: in sluice.yaml');
    else if (name === 'history' || name === 'alerts') command.requiredOption('--env <name>', 'the environment, as declared under monitor: in sluice.yaml').option('--limit <n>', 'entries to list', '20');
    else if (name === 'report') command.option('--env <name>', 'the monitor, by its environment (default: the only one in sluice.yaml)');
    else command.option('--env <name>', 'only this environment\'s monitor (default: every monitor)');
    if (name === 'report') {
      command
        .option('--html <file>', 'write the HTML report here (inline CSS and SVG; opens offline)')
        .option('--markdown <file>', 'write the tables as Markdown here')
        .option('--limit <n>', 'the newest N windows (default 100; with --since, every window since then)')
        .option('--since <duration>', 'only windows that ended within this long, e.g. 12h or 7d');
    }
    if (name === 'schedule') command.requiredOption('--cron <expression>', 'when to run a pass, e.g. "*/5 * * * *" (every five minutes)');
    if (name === 'replay') {
      command
        .requiredOption('--data <file>', 'the rows to send (CSV, Parquet or JSON lines)')
        .option('--rate <rows-per-second>', 'send at most this many rows a second (default: as fast as answered)')
        .option('--labels <column>', 'post this column as feedback labels (and do not send it as a feature)')
        .option('--url <url>', "the server's base URL (default: the environment's host and port from deploy:)");
    }
    command.action(
      run(async (options: unknown) => {
        const { monitorCommand } = await import('./commands/monitor.js');
        return monitorCommand(name as Parameters<typeof monitorCommand>[0], options, output);
      }),
    );
  }
}

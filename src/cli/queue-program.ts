/** The flags of the queue executor's commands: `worker`, `workers`, `queue status|cancel`. */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

const QUEUE_FLAG = ['--queue <url>', "the queue's Redis, redis://HOST:PORT[/DB][?prefix=NAME] (default: executor.queue in .sluice/config.yaml)"] as const;

export function defineQueueCommands(program: Command, run: Runner, output: CliContext, version: string): void {
  program
    .command('worker')
    .description('run pipeline stages from the queue, in this clone, at the commit each job names')
    .option(...QUEUE_FLAG)
    .option('-c, --concurrency <n>', 'stages run at once (each in its own checkout)', '1')
    .option('--labels <list>', 'what this worker offers, comma-separated (gpu,bigmem): stages with labels go only to workers with all of them')
    .option('--name <name>', 'how this worker is listed (default HOST-PID)')
    .option('--stall-timeout <seconds>', "how long a job's lock lasts without renewal: a killed worker's stage is retried elsewhere after about this long", '15')
    .option('-r, --remote <name>', 'a remote (S3 or a directory) as the shared cache: upstream outputs come from it, outputs and run-cache entries go to it (the submitter runs with --pull); for workers that share no cache directory with the submitter')
    .action(run(async (options: unknown) => (await import('./commands/worker.js')).workerCommand(options, version, output)));

  program
    .command('workers')
    .description('list the workers connected to the queue: labels, version, current job, heartbeat')
    .option(...QUEUE_FLAG)
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/queue.js')).workersCommand(options, output)));

  const queue = program.command('queue').description('the queue executor: runs and stages on the queue');
  queue
    .command('status')
    .description('stage queues, runs and running stages')
    .option(...QUEUE_FLAG)
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/queue.js')).queueStatusCommand(options, output)));
  queue
    .command('cancel')
    .description('cancel a run on the queue: remove its waiting stages, stop its running ones')
    .argument('[run]', 'the run id (see `sluice queue status`)')
    .option(...QUEUE_FLAG)
    .option('--all', 'cancel every run on the queue')
    .action(run(async (runId: string | undefined, options: unknown) => (await import('./commands/queue.js')).queueCancelCommand(runId, options, output)));
}

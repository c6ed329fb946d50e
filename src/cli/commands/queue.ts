/** `sluice workers`, `sluice queue status` and `sluice queue cancel [RUN_ID | --all]`. */
import { z } from 'zod';
import { shellWord } from '../../core/index.js';
import { withQueueAdmin, type WorkerRecord } from '../../distributed/index.js';
import { renderTable } from '../format/table.js';
import { invalidOption, parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';
import { resolveQueueLocation } from './queue-location.js';

const listSchema = z.object({ queue: z.string().optional(), json: z.boolean().default(false) });
const cancelSchema = z.object({ queue: z.string().optional(), all: z.boolean().default(false) });

export async function workersCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'workers');
  const location = resolveQueueLocation(options.queue, 'workers');
  const workers = await withQueueAdmin(location, (admin) => admin.workers());
  if (options.json) {
    printJson(output, workers);
    return 0;
  }
  if (workers.length === 0) {
    output.stdout.write(`No worker is connected to ${location.url}. Start one with \`sluice worker --queue ${shellWord(location.url)}\` in a clone of the project.\n`);
    return 0;
  }
  const now = Date.now();
  const rows = workers.map((worker) => [
    worker.name,
    worker.labels.join(',') || '-',
    worker.version,
    `${worker.host}:${worker.pid}`,
    worker.state,
    currentJobs(worker),
    `${((now - worker.heartbeatAt) / 1000).toFixed(1)} s ago`,
  ]);
  output.stdout.write(renderTable(['Worker', 'Labels', 'Version', 'Host:pid', 'State', 'Current job', 'Heartbeat'], rows));
  return 0;
}

export async function queueStatusCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'queue status');
  const location = resolveQueueLocation(options.queue, 'queue status');
  const status = await withQueueAdmin(location, (admin) => admin.status());
  if (options.json) {
    printJson(output, status);
    return 0;
  }
  output.stdout.write(`Queue ${status.url}: ${status.workers.length} worker${status.workers.length === 1 ? '' : 's'} connected.\n`);
  if (status.queues.length > 0) {
    const rows = status.queues.map((queue) => [queue.version, queue.labels.join(',') || 'any', String(queue.waiting), String(queue.active), String(queue.completed), String(queue.failed)]);
    output.stdout.write(`\n${renderTable(['Version', 'Labels', 'Waiting', 'Running', 'Done', 'Failed'], rows)}`);
  }
  if (status.runs.length > 0) {
    const rows = status.runs.map((run) => {
      const jobs = status.jobs.filter((job) => job.runId === run.runId);
      return [run.runId, run.version, `${run.host}:${run.root}`, run.commit.slice(0, 8), String(jobs.filter((job) => job.state === 'waiting').length), String(jobs.filter((job) => job.state === 'active').length)];
    });
    output.stdout.write(`\n${renderTable(['Run', 'Version', 'From', 'Commit', 'Waiting', 'Running'], rows)}`);
  }
  const running = status.jobs.filter((job) => job.state === 'active');
  if (running.length > 0) output.stdout.write(`\n${renderTable(['Running stage', 'Run', 'Worker'], running.map((job) => [job.stage, job.runId, job.worker ?? '?']))}`);
  if (status.queues.length === 0 && status.runs.length === 0) output.stdout.write('Nothing has been queued under this prefix.\n');
  return 0;
}

export async function queueCancelCommand(runId: string | undefined, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(cancelSchema, rawOptions, 'queue cancel');
  if ((runId === undefined) === !options.all) throw invalidOption({ command: 'queue cancel', problem: 'name one RUN_ID, or pass --all (not both)' });
  const location = resolveQueueLocation(options.queue, 'queue cancel');
  const result = await withQueueAdmin(location, (admin) => admin.cancel(runId));
  output.stdout.write(
    `Cancelled ${result.runs.length === 1 ? `run ${result.runs[0]}` : `${result.runs.length} runs`}: ${result.removed} waiting stage${result.removed === 1 ? '' : 's'} removed, ` +
      `${result.stopping} running stage${result.stopping === 1 ? '' : 's'} being stopped by their workers.\n`,
  );
  return 0;
}

function currentJobs(worker: WorkerRecord): string {
  if (worker.jobs.length === 0) return 'idle';
  return worker.jobs.map((job) => `${job.stage} (run ${job.runId.slice(0, 8)})`).join(', ');
}

/**
 * `sluice worker --queue URL [--concurrency N] [--labels a,b] [--name NAME] [--remote NAME]`: runs stages from the
 * queue in this clone until SIGTERM or Ctrl-C (finish the running stages), or a second one (stop
 * them and hand their jobs back to the queue).
 */
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DEFAULT_STALL_TIMEOUT_MS, MAX_WORKER_LABELS, StageWorker } from '../../distributed/index.js';
import { openRemote } from '../../data-versioning/index.js';
import { isStageLabel, STAGE_LABEL_FORMAT } from '../../pipeline/index.js';
import { currentWorkspace } from '../context.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';
import { resolveQueueLocation } from './queue-location.js';

const label = z.string().refine(isStageLabel, { error: `${STAGE_LABEL_FORMAT}; labels are separated by commas` });

const workerSchema = z.object({
  queue: z.string().optional(),
  concurrency: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1).max(64).default(1),
  labels: z
    .string()
    .default('')
    .transform((text) => [...new Set(text.split(',').map((part) => part.trim()).filter(Boolean))].sort())
    .pipe(z.array(label).max(MAX_WORKER_LABELS, { error: `must name at most ${MAX_WORKER_LABELS} labels` })),
  name: z.string().regex(/^[A-Za-z0-9][\w.@-]*$/, 'must be letters, digits, ., _, @ and -').optional(),
  stallTimeout: z.coerce.number({ error: 'must be a number of seconds' }).min(1).max(3_600).optional(),
  remote: z.string().min(1).optional(),
});

export async function workerCommand(rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const options = parseOptions(workerSchema, rawOptions, 'worker');
  const workspace = currentWorkspace();
  const location = resolveQueueLocation(options.queue, 'worker');
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const remote = options.remote === undefined ? undefined : await openRemote(workspace, options.remote);
  const log = (line: string) => output.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${line}\n`);
  const worker = await StageWorker.start({
    location,
    root: workspace.root,
    name,
    labels: options.labels,
    concurrency: options.concurrency,
    version,
    stallTimeoutMs: options.stallTimeout === undefined ? DEFAULT_STALL_TIMEOUT_MS : options.stallTimeout * 1000,
    toolDir: process.argv[1] ? dirname(process.argv[1]) : undefined,
    remote: remote?.storage,
    log,
  });
  // Listening before saying it is ready: a supervisor (or a test) that stops the worker as soon as
  // it reads the line below must find it listening, not kill it by the signal's default action.
  const stopped = new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) log(`${signal}: finishing the running stages (send it again to hand them back to the queue)`);
      else log(`${signal}: stopping the running stages and handing them back to the queue`);
      void worker.stop(signals === 1 ? 'finish' : 'hand-back').then(resolve, resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  log(
    `worker ${name} (Sluice ${version}, labels ${options.labels.join(',') || 'none'}, concurrency ${options.concurrency}) ` +
      `takes stages from ${location.url} in ${workspace.root}${remote ? `, shared cache ${remote.storage.url}` : ''}; SIGTERM or Ctrl-C stops it after the running stages`,
  );
  await stopped;
  log('stopped');
  return 0;
}

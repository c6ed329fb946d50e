/**
 * `sluice exp run|show|apply`: a sweep of params overrides run as isolated, tracked experiments
 * (locally, `-j` at a time), the sweep's table, and one experiment brought into the workspace.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { formatNumber } from '../../core/index.js';
import { openRemote } from '../../data-versioning/index.js';
import {
  applyExperiment,
  createLocalExecutor,
  describeOverrides,
  experimentErrors,
  type RunExperimentOptions,
  planSweep,
  sweepTable,
  type ExperimentResult,
  type SweepTable,
} from '../../experiments/index.js';
import { loadPipeline, readPipelineGitState } from '../../pipeline/index.js';
import { openWorkspaceCache, type Workspace } from '../../workspace/index.js';
import { makeStyler } from '../format/style.js';
import { renderTable } from '../format/table.js';
import { jobsSchema, parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { withServices, type CliContext } from '../services.js';
import { sharedCacheFlagsSchema } from './run.js';

const countSchema = z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });

/** A sweep's name (also its runs' prefix), in `exp run --name` and `exp show --sweep` alike. */
const sweepName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,60}$/, { error: 'a sweep name is letters, digits, ., _ and - (at most 61)' });

const runSchema = sharedCacheFlagsSchema.extend({
  setParam: z.array(z.string()).min(1, { error: 'give at least one -S KEY=V1,V2' }),
  random: countSchema.optional(),
  seed: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).default(0),
  jobs: jobsSchema.optional(),
  /** `--queue` alone (the configured queue) or `--queue redis://…`. */
  queue: z.union([z.literal(true), z.string().min(1)]).optional(),
  workerTimeout: z.coerce.number({ error: 'must be a number of seconds' }).positive({ error: 'must be more than 0' }).default(30),
  name: sweepName.optional(),
});

const metricName = z.string().regex(/^[\w.\-/ :]{1,250}$/, { error: 'a metric name is letters, digits and . _ - / : or spaces' });

const showSchema = z.object({
  sweep: sweepName.optional(),
  all: z.boolean().default(false),
  sortBy: metricName.optional(),
  sortOrder: z.enum(['asc', 'desc']).default('asc'),
  json: z.boolean().default(false),
});

/** Exit code of a sweep in which some experiment failed. */
const FAILED_EXIT_CODE = 1;

/** With --queue, stages of one experiment out at once (the workers decide how many run). */
const QUEUE_JOBS = 256;

/**
 * The queue for `--queue`: each experiment's stages are sent to workers with its overrides. The
 * workers check out the commit, so a workspace whose code differs from it is refused.
 */
async function queueDelegate(workspace: Workspace, options: z.infer<typeof runSchema>, output: CliContext, version: string): Promise<RunExperimentOptions['openDelegate']> {
  if (options.queue === undefined) return undefined;
  // Loaded only for sweeps on the queue: BullMQ and ioredis take about 200 ms to load.
  const [{ connectQueue, QueueExecutor }, { resolveQueueLocation }] = await Promise.all([import('../../distributed/index.js'), import('./queue-location.js')]);
  const location = resolveQueueLocation(options.queue === true ? undefined : options.queue, 'exp run --queue', workspace.root);
  const git = await readPipelineGitState(workspace, loadPipeline(workspace.root).stages);
  if (git.commit !== undefined && git.dirty) throw experimentErrors.queueNeedsCommit({ commit: git.commit });
  // Redis is checked once, before any experiment starts: unreachable, the sweep stops with exit 3
  // (SLUICE_QUEUE_UNREACHABLE) instead of every experiment failing on its own.
  await (await connectQueue(location)).quit();
  return async (root, overrides) => {
    const executor = await QueueExecutor.open({
      location,
      version,
      root,
      workerTimeoutMs: options.workerTimeout * 1000,
      overrides,
      onProgress: (stage, event) => output.stderr.write(`  ⇢ ${describeOverrides(overrides)} ${stage}: ${event}\n`),
    });
    return { delegate: executor, jobs: QUEUE_JOBS, close: () => executor.close() };
  };
}

/** `sluice exp run`: plans the sweep, runs it (here, or its stages on the queue), prints the sweep's table; 1 when an experiment failed. */
export async function expRunCommand(rawOptions: unknown, output: CliContext, version: string): Promise<number> {
  const options = parseOptions(runSchema, rawOptions, 'exp run');
  return withServices(output, async ({ tracking, workspace }) => {
    const specs = planSweep(workspace.root, { set: options.setParam, random: options.random, seed: options.seed, name: options.name });
    const openDelegate = await queueDelegate(workspace, options, output, version);
    // On the queue the workers set the pace: every experiment is submitted at once unless -j says otherwise.
    const jobs = options.jobs ?? (openDelegate ? specs.length : 1);
    const style = makeStyler(output.stderr);
    output.stderr.write(`Sweep ${specs[0]!.sweep}: ${specs.length} experiment${specs.length === 1 ? '' : 's'}, ${jobs} at a time${openDelegate ? ', stages on the queue' : ''}.\n`);
    const remote = options.pull || options.push ? await openRemote(workspace, options.remote) : undefined;
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.on('SIGINT', onSignal);
    let results: ExperimentResult[];
    try {
      results = await createLocalExecutor(jobs).run(workspace, specs, {
        ...(openDelegate ? { openDelegate } : {}),
        setTag: (runId, key, value) => tracking.setTag(runId, key, value),
        signal: controller.signal,
        toolDir: process.argv[1] ? dirname(process.argv[1]) : undefined,
        ...(remote ? { sharedCache: { storage: remote.storage, pull: options.pull, push: options.push } } : {}),
        progress: {
          started: (spec) => output.stderr.write(`${style('bold', `▶ ${spec.name}`)} ${style('dim', describeOverrides(spec.overrides))}\n`),
          finished: (result) =>
            output.stderr.write(
              result.status === 'succeeded'
                ? `${style('green', `✓ ${result.spec.name}`)} finished (run ${result.runId?.slice(0, 8)})\n`
                : `${style('red', `✗ ${result.spec.name} ${result.status}`)}: ${result.message ?? ''}\n`,
            ),
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      (remote?.storage as { destroy?: () => void } | undefined)?.destroy?.();
    }
    // No table when no experiment got as far as recording a run (the pipeline could not be read,
    // say): the failures above and the summary below say what happened.
    if (results.some((result) => result.runId !== undefined)) output.stdout.write(`\n${renderSweep(await sweepTable(tracking, workspace, { sweep: specs[0]!.sweep }))}`);
    const failed = results.filter((result) => result.status !== 'succeeded');
    if (failed.length === 0) return 0;
    output.stderr.write(`sluice: ${failed.length} of ${results.length} experiments did not succeed: ${failed.map((result) => result.spec.name).join(', ')}.\n`);
    return FAILED_EXIT_CODE;
  });
}

/** `sluice exp show`: a sweep's experiments as a table (or JSON), sorted by a metric on request. */
export async function expShowCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'exp show');
  return withServices(output, async ({ tracking, workspace }) => {
    const table = await sweepTable(tracking, workspace, { sweep: options.sweep, all: options.all, sortBy: options.sortBy, order: options.sortOrder });
    if (options.json) {
      printJson(output, {
        sweep: table.sweep ?? null,
        experiments: table.rows.map((row) => ({ run_id: row.runId, name: row.name, sweep: row.sweep, status: row.status, params: row.params, metrics: row.metrics })),
      });
    } else output.stdout.write(renderSweep(table));
    return 0;
  });
}

/** `sluice exp apply ID`: one experiment's params, sluice.lock and outputs into the workspace. */
export async function expApplyCommand(id: string, output: CliContext): Promise<number> {
  return withServices(output, async ({ tracking, workspace }) => {
    const applied = await applyExperiment(tracking, workspace, openWorkspaceCache(workspace), id);
    output.stdout.write(`Applied ${applied.name} (run ${applied.runId.slice(0, 8)}): ${describeOverrides(applied.overrides) || 'no overrides'}; ${applied.restored.length} output${applied.restored.length === 1 ? '' : 's'} restored.\n`);
    return 0;
  });
}

/** The sweep as a table: name, run, status, then the overridden params and the metrics. */
function renderSweep(table: SweepTable): string {
  const headers = ['Experiment', 'Run', 'Status', ...table.paramKeys, ...table.metricKeys];
  const rows = table.rows.map((row) => [
    row.name,
    row.runId.slice(0, 8),
    row.status,
    ...table.paramKeys.map((key) => row.params[key] ?? ''),
    ...table.metricKeys.map((key) => formatNumber(row.metrics[key])),
  ]);
  const numeric = table.metricKeys.map((_, index) => 3 + table.paramKeys.length + index);
  return `${table.sweep ? `Sweep ${table.sweep}\n` : ''}${renderTable(headers, rows, { alignRight: numeric })}`;
}

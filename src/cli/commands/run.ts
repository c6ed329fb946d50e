/**
 * `sluice run [stage...]`: reproduce the pipeline, printing each stage's output live and a
 * status line per stage at the end. Ctrl-C stops running commands cleanly; a second Ctrl-C
 * kills them at once. With `--pull`/`--push` the run uses a remote as a shared cache.
 * `sluice stage run NAME` (stage-run.ts) goes through the same {@link reproduce}.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  describeChange,
  killRunningCommands,
  pipelineErrors,
  runPipeline,
  STATUS_LABELS,
  type PipelineRunReport,
  type RunPipelineOptions,
  type RunReporter,
  type Stage,
  type StageOutcome,
} from '../../pipeline/index.js';
import type { QueueExecutor } from '../../distributed/index.js';
import { openRemote } from '../../data-versioning/index.js';
import type { Workspace } from '../../workspace/index.js';
import { currentWorkspace } from '../context.js';
import { formatDuration, renderTable } from '../format/table.js';
import { makeStyler } from '../format/style.js';
import { INTERRUPTED_EXIT_CODE } from '../handle-error.js';
import { invalidOption, jobsSchema, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

/** The shared-cache flags of `sluice run` and `sluice stage run`. */
export const sharedCacheFlagsSchema = z.object({
  pull: z.boolean().default(false),
  push: z.boolean().default(false),
  remote: z.string().min(1).optional(),
});

const runOptionsSchema = sharedCacheFlagsSchema.extend({
  force: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  jobs: jobsSchema.optional(),
  keepGoing: z.boolean().default(false),
  executor: z.enum(['local', 'queue'], { error: 'must be local or queue' }).optional(),
  queue: z.string().optional(),
  workerTimeout: z.coerce.number({ error: 'must be a number of seconds' }).positive({ error: 'must be more than 0' }).default(30),
});

/** With the queue executor, stages out at once when --jobs is not given: as many as the workers take. */
const QUEUE_JOBS = 256;


/** The queue executor, loaded only for runs on the queue: BullMQ and ioredis take about 200 ms to load. */
async function openQueueExecutor(options: z.infer<typeof runOptionsSchema>, workspace: Workspace, output: CliOutput, version: string): Promise<QueueExecutor> {
  const [{ QueueExecutor }, { resolveQueueLocation }] = await Promise.all([import('../../distributed/index.js'), import('./queue-location.js')]);
  return QueueExecutor.open({
    location: resolveQueueLocation(options.queue, 'run --executor queue'),
    version,
    root: workspace.root,
    workerTimeoutMs: options.workerTimeout * 1000,
    onProgress: (stage, event) => output.stderr.write(`  ⇢ ${stage}: ${event}\n`),
  });
}

/** `sluice run [stage...]`: the pipeline (or the targets with their upstream) through {@link reproduce}, here or on the queue. */
export async function runCommand(stages: readonly string[], rawOptions: unknown, output: CliOutput, version: string): Promise<number> {
  const options = parseOptions(runOptionsSchema, rawOptions, 'run');
  const workspace = currentWorkspace();
  // --queue URL asks for the queue: with --executor local it is a contradiction, not ignored.
  if (options.queue !== undefined && options.executor === 'local') {
    throw invalidOption({ command: 'run', problem: '--queue names the queue of --executor queue, and --executor local runs stages here: drop one of them' });
  }
  const executor = options.executor ?? (options.queue !== undefined ? 'queue' : workspace.config.executor?.type) ?? 'local';
  const queued = executor === 'queue' && !options.dryRun;
  const delegate = queued ? await openQueueExecutor(options, workspace, output, version) : undefined;
  try {
    return await reproduce(workspace, options, output, {
      targets: stages,
      force: options.force,
      dryRun: options.dryRun,
      jobs: options.jobs ?? (queued ? QUEUE_JOBS : 1),
      keepGoing: options.keepGoing,
      ...(delegate ? { delegate } : {}),
    });
  } finally {
    await delegate?.close();
  }
}

/**
 * Runs the pipeline (or one stage) with live output, the summary table and the exit code of
 * `sluice run`: opens the shared cache's remote when `--pull` or `--push` asks for one.
 */
export async function reproduce(workspace: Workspace, flags: z.infer<typeof sharedCacheFlagsSchema>, output: CliOutput, runOptions: RunPipelineOptions): Promise<number> {
  const remote = flags.pull || flags.push ? await openRemote(workspace, flags.remote) : undefined;
  const controller = new AbortController();
  const style = makeStyler(output.stderr);
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      output.stderr.write(`\n${style('red', 'Killing running stages now.')}\n`);
      killRunningCommands();
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    output.stderr.write(`\n${style('yellow', `Received ${signal}: stopping running stages (press Ctrl-C again to force)…`)}\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: PipelineRunReport;
  try {
    report = await runPipeline(workspace, {
      ...runOptions,
      signal: controller.signal,
      reporter: liveReporter(output, (runOptions.jobs ?? 1) > 1),
      command: ['sluice', ...process.argv.slice(2)].join(' '),
      toolDir: process.argv[1] ? dirname(process.argv[1]) : undefined,
      ...(remote ? { sharedCache: { storage: remote.storage, pull: flags.pull, push: flags.push } } : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    (remote?.storage as { destroy?: () => void } | undefined)?.destroy?.();
  }
  return reportRun(report, output);
}

/** The summary table and the exit code of a finished run. */
function reportRun(report: PipelineRunReport, output: CliOutput): number {
  if (report.outcomes.length === 0) {
    output.stdout.write('sluice.yaml defines no stages: nothing to run.\n');
    return 0;
  }
  output.stdout.write(`\n${summaryTable(report.outcomes)}`);
  if (report.status === 'interrupted') {
    output.stderr.write(`sluice: ${pipelineErrors.runInterrupted().toUserMessage()}\n`);
    return INTERRUPTED_EXIT_CODE;
  }
  if (report.status === 'failed') {
    const failed = report.outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.stage);
    const error = pipelineErrors.pipelineFailed({ failed });
    output.stderr.write(`sluice: ${error.toUserMessage()}\n`);
    return error.exitCode;
  }
  if (report.outcomes.every((outcome) => outcome.status === 'unchanged' || outcome.status === 'frozen')) {
    output.stdout.write('Pipeline is up to date: nothing to reproduce.\n');
  }
  return 0;
}

/** Prints commands and their output as they happen; with parallel stages, each line is prefixed by its stage. */
function liveReporter(output: CliOutput, prefixLines: boolean): RunReporter {
  const style = makeStyler(output.stderr);
  const partial = new Map<string, string>();
  const write = (stage: Stage, stream: 'stdout' | 'stderr', text: string): void => {
    const target = stream === 'stdout' ? output.stdout : output.stderr;
    if (!prefixLines) {
      target.write(text);
      return;
    }
    const key = `${stage.name}\0${stream}`;
    const lines = ((partial.get(key) ?? '') + text).split('\n');
    partial.set(key, lines.pop() ?? '');
    for (const line of lines) target.write(`${style('dim', `[${stage.name}]`)} ${line}\n`);
  };
  return {
    stageStarting(stage, changes) {
      const why = changes.length > 0 ? changes.slice(0, 3).map(describeChange).join('; ') + (changes.length > 3 ? `; +${changes.length - 3} more` : '') : 'forced';
      output.stderr.write(`${style('bold', `▶ ${stage.name}`)} ${style('dim', `(${why})`)}\n`);
      for (const command of stage.cmd) output.stderr.write(`${style('dim', `  $ ${command}`)}\n`);
    },
    stageOutput: write,
    stageFinished(outcome) {
      for (const [key, rest] of partial) {
        if (rest && key.startsWith(`${outcome.stage}\0`)) output.stderr.write(`[${outcome.stage}] ${rest}\n`);
      }
      const where = outcome.where === undefined ? '' : ` on ${outcome.where}`;
      if (outcome.status === 'ran') output.stderr.write(`${style('green', `✓ ${outcome.stage}`)} ran${where} in ${formatDuration(outcome.durationMs)}\n`);
      else if (outcome.status === 'restored' || outcome.status === 'restored-run-cache') {
        output.stderr.write(`${style('cyan', `↺ ${outcome.stage}`)} ${STATUS_LABELS[outcome.status]} (not executed)\n`);
      } else if (outcome.status === 'failed' || outcome.status === 'interrupted') output.stderr.write(failureDetails(outcome, style));
      else if (outcome.status === 'skipped' && outcome.message) output.stderr.write(`${style('yellow', `- ${outcome.stage} skipped`)}: ${outcome.message}\n`);
    },
  };
}

function failureDetails(outcome: StageOutcome, style: ReturnType<typeof makeStyler>): string {
  const where = outcome.where === undefined ? '' : ` on ${outcome.where}`;
  const lines = [style('red', `✗ ${outcome.stage} ${outcome.status}${where}: ${outcome.message ?? 'unknown error'}`)];
  if (outcome.tail && outcome.tail.length > 0) {
    lines.push('  last lines of output:');
    for (const line of outcome.tail) lines.push(`  │ ${line}`);
  }
  if (outcome.logPath) lines.push(`  full log: ${outcome.logPath}`);
  return `${lines.join('\n')}\n`;
}

function summaryTable(outcomes: readonly StageOutcome[]): string {
  const rows = outcomes.map((outcome) => [
    outcome.stage,
    STATUS_LABELS[outcome.status],
    outcome.status === 'ran' || outcome.status === 'failed' ? formatDuration(outcome.durationMs) : '',
  ]);
  return renderTable(['Stage', 'Status', 'Time'], rows);
}

/**
 * `sluice ci [--base REF] [--report FILE] [--plots DIR] [--post github|gitlab|auto] [--json FILE]
 * [--deploy ENV] [--alias NAME] [--model NAME] [--gate NAME]`: the CI/CD flow on this commit. Stage output streams to stderr as
 * it happens; stdout gets one line per step and the verdict; the report and the JSON are written
 * whatever the verdict. Exit 0 passed, 1 blocked, 2 configuration or usage error.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ciExitCode, ciReportFiles, parseCiTrigger, postFromEnvironment, renderCiMarkdown, runCi, type CiResult, type CiStepStatus } from '../../ci/index.js';
import { assertWritableFilePath, assertWritableFolderPath, isAppError, readGitFolder, writeFileAtomic } from '../../core/index.js';
import { listRemotes, openRemote } from '../../data-versioning/index.js';
import { STATUS_LABELS, type RunReporter } from '../../pipeline/index.js';
import { formatDuration } from '../format/table.js';
import { makeStyler } from '../format/style.js';
import { INTERRUPTED_EXIT_CODE } from '../handle-error.js';
import { invalidOption, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';
import { cliActor, withServices, type CliContext } from '../services.js';

const name = z.string().min(1, { error: 'must not be empty' });

const ciOptionsSchema = z.object({
  base: name.optional(),
  json: name.optional(),
  report: name.optional(),
  plots: name.optional(),
  remote: name.optional(),
  pull: z.boolean().default(true),
  push: z.boolean().default(false),
  post: z.enum(['github', 'gitlab', 'auto'], { error: 'must be github, gitlab or auto' }).optional(),
  deploy: name.optional(),
  alias: z.string().regex(/^[\w-]{1,255}$/, { error: 'must be letters, digits, _ or - (an alias name)' }).default('challenger'),
  model: name.optional(),
  gate: name.optional(),
});


const MARKS: Readonly<Record<CiStepStatus, string>> = { passed: '✓', failed: '✗', skipped: '-', 'not-run': '·' };

export async function ciCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(ciOptionsSchema, rawOptions, 'ci');
  // The charts are files the Markdown report links to: without a report they would be written for nothing.
  if (options.plots !== undefined && options.report === undefined) throw invalidOption({ command: 'ci', problem: '--plots writes the charts that --report links to: give --report FILE too' });
  const trigger = parseCiTrigger(process.env.SLUICE_CI_TRIGGER);
  // The flow takes minutes: an output that cannot be written fails before it, not after.
  for (const path of [options.json, options.report]) if (path !== undefined) assertWritableFilePath(path);
  if (options.plots !== undefined) assertWritableFolderPath(options.plots);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let root: string | undefined;
    const result = await withServices(cli, async (services) => {
      root = services.workspace.root;
      // The data remote doubles as the shared cache: stages computed elsewhere are pulled, not run.
      // --push names a remote to fill: without one it is refused (as by `sluice run --push`), not ignored.
      const remote = options.push || options.remote !== undefined || listRemotes(services.workspace).some((candidate) => candidate.isDefault) ? await openRemote(services.workspace, options.remote) : undefined;
      try {
        return await runCi(services, {
          ...options,
          trigger,
          actor: cliActor(),
          reporter: stageReporter(cli),
          toolDir: process.argv[1] ? dirname(process.argv[1]) : undefined,
          signal: controller.signal,
          serverUrl: process.env.SLUICE_SERVER_URL || undefined,
          sharedCache: remote && (options.pull || options.push) ? { storage: remote.storage, pull: options.pull, push: options.push } : undefined,
        });
      } finally {
        (remote?.storage as { destroy?: () => void } | undefined)?.destroy?.();
      }
    }).catch((error: unknown) => {
      if (controller.signal.aborted && isAppError(error) && error.code === 'SLUICE_CI_INTERRUPTED') return error;
      throw error;
    });
    if (!('verdict' in result)) {
      cli.stderr.write(`sluice: ${result.toUserMessage()}\n`);
      return INTERRUPTED_EXIT_CODE;
    }
    if (options.json) writeFileAtomic(options.json, `${JSON.stringify(result, null, 2)}\n`);
    if (options.report) writeReport(result, options.report, options.plots);
    printSummary(result, cli);
    if (options.post) {
      // A report that cannot be posted is a warning: the job keeps the gate's verdict (docs/ci-integration.md).
      // A project in a folder of its repository (a monorepo's ml/) has its own comment and status.
      const folder = root === undefined ? '' : await readGitFolder(root);
      const posted = await postFromEnvironment({ provider: options.post, result, markdown: renderCiMarkdown(result), folder });
      for (const line of posted.lines) cli.stderr.write(`${line}\n`);
    }
    return ciExitCode(result);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The pull-request report: Markdown (charts as Mermaid blocks, which GitHub and GitLab draw
 * themselves), and with `--plots DIR` the same charts as SVG files there, linked relative to the
 * report so they show once committed or uploaded as a CI artifact. Nothing goes to a third party.
 */
function writeReport(result: CiResult, reportPath: string, plotsDir: string | undefined): void {
  const report = resolve(reportPath);
  mkdirSync(dirname(report), { recursive: true });
  if (plotsDir) {
    const dir = resolve(plotsDir);
    mkdirSync(dir, { recursive: true });
    for (const file of ciReportFiles(result)) writeFileAtomic(join(dir, file.name), file.svg);
  }
  const linked = plotsDir ? relative(dirname(report), resolve(plotsDir)) || '.' : undefined;
  writeFileAtomic(report, renderCiMarkdown(result, { plotsDir: linked }));
}

/** Stage commands' output and a line per stage that did something, on stderr (the CI log). */
function stageReporter(output: CliOutput): RunReporter {
  const style = makeStyler(output.stderr);
  return {
    stageStarting: (stage) => output.stderr.write(`${style('bold', `▶ ${stage.name}`)}\n`),
    stageOutput: (_stage, _stream, text) => output.stderr.write(text),
    stageFinished: (outcome) => {
      if (outcome.status === 'unchanged') return;
      const tail = outcome.status === 'failed' && outcome.tail?.length ? `\n${outcome.tail.map((line) => `  │ ${line}`).join('\n')}` : '';
      output.stderr.write(`  ${outcome.stage}: ${STATUS_LABELS[outcome.status]}${outcome.message ? ` (${outcome.message})` : ''}${tail}\n`);
    },
  };
}

function printSummary(result: CiResult, output: CliOutput): void {
  const style = makeStyler(output.stdout);
  const width = Math.max(...result.steps.map((step) => step.name.length));
  output.stdout.write('\n');
  for (const step of result.steps) {
    const mark = step.status === 'failed' ? style('red', MARKS[step.status]) : step.status === 'passed' ? style('green', MARKS[step.status]) : MARKS[step.status];
    const time = step.status === 'passed' || step.status === 'failed' ? ` ${style('dim', `(${formatDuration(step.durationMs)})`)}` : '';
    output.stdout.write(`${mark} ${step.name.padEnd(width)}  ${step.summary}${time}\n`);
  }
  output.stdout.write(`\n${result.verdict === 'passed' ? style('green', result.headline) : style('red', result.headline)}\n`);
  if (result.runId) output.stdout.write(`${style('dim', `recorded as run ${result.runId}`)}\n`);
}

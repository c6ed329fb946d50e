/**
 * The `sluice` command line: flag parsing only. Each action imports its command module on use
 * (so `sluice --help` loads no database driver) and returns an exit code; errors are reported in
 * one place, {@link reportError}.
 */
import { Command, CommanderError } from 'commander';
import { defineCiCommands } from './ci-program.js';
import { registerCiInit } from './commands/ci-init.js';
import { defineDataCommands } from './data-program.js';
import { defineDeployCommands } from './deploy-program.js';
import { defineExperimentCommands } from './experiments-program.js';
import { defineExportCommands } from './export-program.js';
import { defineMonitorCommands } from './monitor-program.js';
import { defineQueueCommands } from './queue-program.js';
import { defineServingCommands } from './serving-program.js';
import { defineTrackingCommands } from './tracking-program.js';
import { reportError } from './handle-error.js';
import { processOutput } from './output.js';
import type { CliContext } from './services.js';

/** Exit code for command-line usage mistakes (unknown flag, missing argument). */
const USAGE_EXIT_CODE = 2;

// eslint-disable-next-line max-lines-per-function -- a declarative table of commands and their flags, one short entry each; splitting it would only scatter the help text
export function buildProgram(version: string, output: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('sluice')
    .description('Continuous integration and delivery for machine-learning models.')
    .version(version, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (text) => output.stdout.write(text), writeErr: (text) => output.stderr.write(text) })
    .exitOverride();

  const run = <A extends unknown[]>(action: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => setExitCode(await action(...args));

  program
    .command('init')
    .description('set up Sluice in the current directory (.sluice/, .gitignore)')
    .action(run(async () => (await import('./commands/init.js')).initCommand(output)));

  program
    .command('run')
    .description('reproduce the pipeline: run stale stages, restore cached ones')
    .argument('[stages...]', 'stages to reproduce (with their upstream); all by default')
    .option('-f, --force', 'run every selected stage, even if unchanged, ignoring the run cache')
    .option('-n, --dry-run', 'print what would run, change nothing')
    .option('-j, --jobs <n>', 'stages to run in parallel (default 1; with --executor queue, 256: as many as the workers take)')
    .option('-k, --keep-going', 'after a failure, continue with stages that do not depend on it')
    .option('--pull', 'fetch outputs of stages already computed on any machine from the shared cache (a remote)')
    .option('--push', 'publish outputs and run-cache entries to the shared cache after stages run')
    .option('-r, --remote <name>', 'the remote used as shared cache (default: default_remote)')
    .option('--executor <local|queue>', 'run stages here, or on `sluice worker` processes through Redis (default: executor.type in .sluice/config.yaml, else local)')
    .option('--queue <url>', "run on the queue at this Redis (implies --executor queue), redis://HOST:PORT[/DB][?prefix=NAME] (default: executor.queue in .sluice/config.yaml)")
    .option('--worker-timeout <seconds>', 'with --executor queue: fail a stage that no connected worker could take for this long', '30')
    .action(run(async (stages: string[], options: unknown) => (await import('./commands/run.js')).runCommand(stages, options, output, version)));

  const stage = program.command('stage').description('one stage at a time (what a worker or an Argo step runs)');
  stage
    .command('run')
    .description('run exactly one stage, assuming its deps are present (missing ones restored from a cache, never computed)')
    .argument('<name>', 'the stage (a foreach/matrix item as NAME@ITEM)')
    .option('-f, --force', 'run the stage even if unchanged, ignoring the run cache')
    .option('--pull', 'fetch missing deps and already computed outputs from the shared cache')
    .option('--push', 'publish the stage\'s outputs and run-cache entry to the shared cache')
    .option('-r, --remote <name>', 'the remote used as shared cache (default: default_remote)')
    .action(run(async (name: string, options: unknown) => (await import('./commands/stage-run.js')).stageRunCommand(name, options, output)));

  program
    .command('status')
    .description('show which stages are stale and why')
    .argument('[stages...]', 'limit to these stages and their upstream')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (stages: string[], options: unknown) => (await import('./commands/status.js')).statusCommand(stages, options, output)));

  program
    .command('dag')
    .description('print the pipeline graph')
    .option('--mermaid', 'as a Mermaid flowchart')
    .option('--dot', 'as Graphviz dot')
    .option('--json', 'stages and edges as JSON')
    .action(run(async (options: unknown) => (await import('./commands/dag.js')).dagCommand(options, output)));

  const params = program.command('params').description('inspect params');
  params
    .command('diff')
    .description('params that differ between two git revisions (default: HEAD and the workspace)')
    .argument('[revisions...]', 'REV_A [REV_B]; REV_B defaults to the workspace')
    .option('--all', 'list unchanged params too')
    .option('--json', 'print machine-readable JSON')
    .action(
      run(async (revisions: string[], options: unknown) => {
        if (revisions.length > 2) throw new CommanderError(USAGE_EXIT_CODE, 'sluice.usage', 'sluice: params diff takes at most two revisions\n');
        return (await import('./commands/params.js')).paramsDiffCommand(revisions, options, output);
      }),
    );

  const metrics = program.command('metrics').description('inspect metrics');
  metrics
    .command('show')
    .description('print the metrics files of the workspace')
    .option('--json', 'print machine-readable JSON')
    .option('--targets <file...>', 'only these metrics files (any JSON or YAML file, declared or not)')
    .option('--keys <pattern...>', 'only metrics whose name matches: a glob (f1*, loss.*) or a /regex/')
    .action(run(async (options: unknown) => (await import('./commands/metrics.js')).metricsShowCommand(options, output)));
  metrics
    .command('diff')
    .description('compare metrics with a git revision (default HEAD)')
    .argument('[revision]', 'git revision to compare against', undefined)
    .option('--all', 'list unchanged metrics too')
    .option('--json', 'print machine-readable JSON')
    .option('--targets <file...>', 'only these metrics files (any JSON or YAML file, declared or not)')
    .option('--keys <pattern...>', 'only metrics whose name matches: a glob (f1*, loss.*) or a /regex/')
    .action(
      run(async (revision: string | undefined, options: unknown) =>
        (await import('./commands/metrics.js')).metricsDiffCommand(revision, options, output),
      ),
    );

  const plots = program.command('plots').description('draw the plot files stages declare (charts, images, reports) as one HTML page');
  plots
    .command('show')
    .description('draw the plots of the workspace (default page: .sluice/plots/index.html)')
    .argument('[targets...]', 'only these declared plot files')
    .option('-o, --out <dir>', 'write index.html into this directory')
    .option('--json', 'print the parsed series as JSON instead of writing the page')
    .action(run(async (targets: string[], options: unknown) => (await import('./commands/plots.js')).plotsShowCommand(targets, options, output)));
  plots
    .command('diff')
    .description('draw the plots of a git revision (default HEAD) and the workspace, overlaid')
    .argument('[revision-and-targets...]', '[REV] [TARGETS...]: a first argument naming a file is a target, compared with HEAD')
    .option('-o, --out <dir>', 'write index.html into this directory')
    .option('--json', 'print the parsed series as JSON instead of writing the page')
    .action(run(async (args: string[], options: unknown) => (await import('./commands/plots.js')).plotsDiffCommand(args, options, output)));

  program
    .command('eval')
    .description('evaluate a model (or predictions) on labelled data')
    .option('--model <path>', 'ONNX model to evaluate')
    .option('--data <file>', 'labelled data: CSV, Parquet or JSON')
    .option('--target <column>', 'the label column')
    .option('--task <task>', 'auto, binary, multiclass or regression', 'auto')
    .option('--positive-label <label>', 'the positive class for binary metrics (default: the model\'s positive_class, else the last class)')
    .option('--threshold <p>', 'decision threshold on the positive-class probability', '0.5')
    .option('--exclude <column...>', 'columns that are not features')
    .option('--predictions <file>', 'evaluate predictions made elsewhere instead of running a model')
    .option('--prediction-columns <names>', 'with --predictions: probability columns in class order (comma-separated), or one value column')
    .option('--json <file>', 'write the full evaluation as JSON (- for stdout)')
    .option('--metrics <file>', 'write only the headline metrics as {name: value} JSON (for git-tracked pipeline metrics)')
    .option('--report <file>', 'write a report: .md (charts as SVG files beside it) or .html (self-contained)')
    .option('--slice <column...>', 'metrics per value of these columns (per quartile for a numeric column with more than 10 values)')
    .option('--sensitive <column...>', 'fairness across the groups of these columns (binary models)')
    .option('--bootstrap <n>', 'bootstrap resamples for 95% confidence intervals', '0')
    .option('--importance-repeats <n>', 'shuffles per feature for permutation importance (0: skip)', '5')
    .option('--seed <n>', 'seed for bootstrap, noise and permutations', '42')
    .option('--explain', 'add the global explanation: mean |SHAP| per feature (exact for trees and linear models, KernelSHAP otherwise)')
    .action(run(async (options: unknown) => (await import('./commands/eval.js')).evalCommand(options, output)));

  program
    .command('explain')
    .description('SHAP values of a model on a table: exact for tree ensembles and linear models, KernelSHAP otherwise')
    .requiredOption('--model <model>', 'an ONNX file, or a registered version: models:/NAME@ALIAS, models:/NAME/VERSION')
    .requiredOption('--data <file>', 'the rows to explain (and the background sample): CSV, Parquet or JSON')
    .option('--target <column>', 'the label column (not a feature)')
    .option('--exclude <column...>', 'other columns that are not features')
    .option('--rows <n>', 'explain the first N rows (default: all)')
    .option('--background <n>', 'background rows sampled from the data, for linear and kernel SHAP (default 100)')
    .option('--method <method>', 'auto, tree, linear or kernel', 'auto')
    .option('--samples <n>', 'KernelSHAP: coalitions per row (default 2·features + 2048)')
    .option('--seed <n>', 'seed for the background sample and KernelSHAP', '42')
    .option('--top <n>', 'features to print', '10')
    .option('--json <file>', 'write every row\'s values and the ranking as JSON (- for stdout)')
    .option('--report <file>', 'write a report with a summary plot and waterfalls: .html or .md')
    .action(run(async (options: unknown) => (await import('./commands/explain.js')).explainCommand(options, output)));

  program
    .command('predict')
    .description('score a table offline with a model (batch inference): CSV or Parquet out, in bounded memory')
    .requiredOption('--model <model>', 'an ONNX file, or a registered version: models:/NAME@ALIAS, models:/NAME/VERSION')
    .requiredOption('--data <file>', 'the rows to score: CSV, Parquet or JSON')
    .requiredOption('--out <file>', 'where to write the predictions: .csv or .parquet')
    .option('--columns <names>', 'output columns to write, comma-separated (default: prediction and every probability_<class>)')
    .option('--keep <column...>', 'input columns to copy into the output, before the predictions (e.g. an id)')
    .option('--exclude <column...>', 'columns that are not features (a label, an id), for models that read every other column')
    .option('--batch-size <n>', 'rows per batch (default 65536)')
    .option('--json', 'print a machine-readable summary')
    .action(run(async (options: unknown) => (await import('./commands/predict.js')).predictCommand(options, output)));

  program
    .command('train')
    .description('train a built-in model on a table and write it as ONNX')
    .option('--data <file>', 'training data: CSV, Parquet or JSON')
    .option('--target <column>', 'the column to predict')
    .option('--algorithm <name>', 'logistic_regression, linear_regression, ridge or gbdt')
    .option('--params <key=value...>', 'algorithm parameters, e.g. C=0.5 or n_estimators=200 max_depth=4')
    .option('--exclude <column...>', 'columns that are not features (ids, sensitive attributes)')
    .option('--features <column...>', 'use only these columns as features')
    .option('--categorical <column...>', 'one-hot encode these columns even if they hold numbers (text columns always are)')
    .option('--task <task>', 'for gbdt: auto, classification or regression', 'auto')
    .option('--out <file>', 'where to write the .onnx model')
    .action(run(async (options: unknown) => (await import('./commands/train.js')).trainCommand(options, version, output)));

  program
    .command('gate')
    .description('check a candidate model against the quality gates in sluice.yaml')
    .option('--config <file>', 'a YAML file with a gates: section (its relative paths are read from the file\'s directory)', 'sluice.yaml')
    .option('--gate <name>', 'the gate set to check, when the gates section has several named ones')
    .option('--json <file>', 'write the full gate report as JSON (- for stdout)')
    .option('--summary <file>', 'write the verdict and both models\' metrics as a small JSON, for pipeline metrics (- for stdout)')
    .option('--report <file>', 'write the gate report as Markdown (for pull requests)')
    .action(run(async (options: unknown) => (await import('./commands/gate.js')).gateCommand(options, output)));

  program
    .command('watch')
    .description('CI without a CI platform: run `sluice ci` on each new commit of a branch, data change on the remote, or cron schedule')
    .argument('[ci-args...]', 'after --: extra arguments for `sluice ci`')
    .option('--interval <duration>', 'how often to poll: 30s, 5m, 1h', '60s')
    .option('--branch <name>', 'the branch to follow (default: the checked-out one); fetched when it has an upstream')
    .option('-r, --remote <name>', 'the data remote whose content counts as a data change (default: default_remote)')
    .option('--schedule <cron>', 'also run on this cron schedule, e.g. "0 3 * * *"')
    .action(run(async (ciArgs: string[], options: unknown) => (await import('./commands/watch.js')).watchCommand(ciArgs, options, output)));

  defineDataCommands(program, run, output);
  defineTrackingCommands(program, run, output, version);
  defineServingCommands(program, run, output, version);
  defineDeployCommands(program, run, output);
  registerCiInit(defineCiCommands(program, run, output), run, output, version);
  defineMonitorCommands(program, run, output);
  defineExportCommands(program, run, output, version);
  defineExperimentCommands(program, run, output, version);
  defineQueueCommands(program, run, output, version);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], version: string, output: CliContext = processOutput): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(version, output, (code) => (exitCode = code));
  if (argv.length === 0) {
    program.outputHelp();
    return USAGE_EXIT_CODE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'sluice.usage') output.stderr.write(error.message);
      return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    }
    return reportError(error, output);
  }
}

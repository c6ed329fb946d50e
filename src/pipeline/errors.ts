/** Errors of pipelines: the definition in sluice.yaml, its params, its DAG, its lock and its runs. */
import { defineError } from '../core/index.js';

export const undefinedVariable = defineError<{ stage: string; expression: string; suggestion: string; source: string }>(
  'SLUICE_PIPELINE_UNDEFINED_VARIABLE',
  {
    kind: 'invalid_input',
    description: 'A `${...}` expression in a stage refers to a param or item that does not exist.',
    message: ({ stage, expression, suggestion, source }) =>
      `Stage "${stage}" uses \${${expression}}, which is not defined in ${source}.${suggestion}`,
    hint: ({ source }) => `Define it in ${source}, or fix the name. Write \\\${...} for a literal \${...}.`,
  },
);

export const invalidInterpolation = defineError<{ stage: string; expression: string; reason: string }>('SLUICE_PIPELINE_BAD_INTERPOLATION', {
  kind: 'invalid_input',
  description: 'A `${...}` expression resolves to a value that cannot be put into a string (a list or mapping).',
  message: ({ stage, expression, reason }) => `Stage "${stage}": \${${expression}} ${reason}.`,
  hint: () => 'Interpolate a scalar (string, number, boolean), e.g. ${train.lr} rather than ${train}.',
});

export const invalidStageName = defineError<{ name: string }>('SLUICE_PIPELINE_BAD_STAGE_NAME', {
  kind: 'invalid_input',
  description: 'A stage name contains characters Sluice reserves (`@` separates foreach items, `/` and `:` address paths).',
  message: ({ name }) => `"${name}" is not a valid stage name.`,
  hint: () => 'Use letters, digits, `_`, `-` and `.`, starting with a letter, digit or `_`.',
});

export const invalidPath = defineError<{ stage: string; path: string; reason: string }>('SLUICE_PIPELINE_BAD_PATH', {
  kind: 'invalid_input',
  description: 'A dep or out path is absolute, leaves the repository, or is otherwise unusable.',
  message: ({ stage, path, reason }) => `Stage "${stage}" lists the path "${path}", which ${reason}.`,
  hint: () => 'Use a path relative to the stage\'s working directory, inside the repository.',
});

export const paramsFileMissing = defineError<{ stage: string; file: string }>('SLUICE_PIPELINE_PARAMS_FILE_MISSING', {
  kind: 'invalid_input',
  description: 'A stage reads params from a file that does not exist.',
  message: ({ stage, file }) => `Stage "${stage}" reads params from ${file}, which does not exist.`,
  hint: ({ file }) => `Create ${file} (YAML or JSON), or remove the params entry.`,
});

export const paramsFileUnreadable = defineError<{ file: string; reason: string }>('SLUICE_PIPELINE_PARAMS_FILE_UNREADABLE', {
  kind: 'invalid_input',
  description: 'A params file exists but cannot be read as a file.',
  message: ({ file, reason }) => `Cannot read the params file ${file}: ${reason}.`,
  hint: () => 'Point params at a YAML or JSON file (a directory cannot hold params).',
});

export const paramMissing = defineError<{ stage: string; key: string; file: string; suggestion: string }>('SLUICE_PIPELINE_PARAM_MISSING', {
  kind: 'invalid_input',
  description: 'A stage lists a param key that its params file does not define.',
  message: ({ stage, key, file, suggestion }) => `Stage "${stage}" reads the param "${key}", which ${file} does not define.${suggestion}`,
  hint: ({ key, file }) => `Add ${key} to ${file}, or fix the key in sluice.yaml.`,
});

export const duplicateOutput = defineError<{ path: string; first: string; second: string; otherPath: string }>('SLUICE_PIPELINE_DUPLICATE_OUTPUT', {
  kind: 'invalid_input',
  description: 'Two stages (or two outs of one stage) write the same path, or one writes inside the other\'s output directory.',
  message: ({ path, first, second, otherPath }) =>
    path === otherPath
      ? `Stages "${first}" and "${second}" both write ${path}.`
      : `Stage "${second}" writes ${path}, which overlaps ${otherPath} written by "${first}".`,
  hint: () => 'Each path must be produced by exactly one stage: rename one output or merge the stages.',
});

export const depIsOutput = defineError<{ stage: string; path: string }>('SLUICE_PIPELINE_DEP_IS_OUTPUT', {
  kind: 'invalid_input',
  description: 'A stage lists the same path as a dep and an out.',
  message: ({ stage, path }) => `Stage "${stage}" lists ${path} both as a dep and as an out.`,
  hint: () => 'A stage cannot read what it is about to remove and rewrite: keep it under outs with `persist: true` if the command updates it in place.',
});

export const cycleDetected = defineError<{ cycle: readonly string[] }>('SLUICE_PIPELINE_CYCLE', {
  kind: 'invalid_input',
  description: 'The stages depend on each other in a loop, so there is no order to run them in.',
  message: ({ cycle }) => `The pipeline has a cycle: ${cycle.join(' → ')}.`,
  hint: () => 'Each arrow means "must run before": it produces a dep of, validates the data of, or is listed under `after:` of. Break the loop by removing one of those deps, outs or after entries.',
});

export const unknownAfterStage = defineError<{ stage: string; name: string; suggestion: string }>('SLUICE_PIPELINE_UNKNOWN_AFTER_STAGE', {
  kind: 'invalid_input',
  description: 'A stage lists under `after:` a name that is neither a stage nor a foreach/matrix stage.',
  message: ({ stage, name, suggestion }) => `Stage "${stage}" runs after "${name}", which is not a stage.${suggestion}`,
  hint: () => 'List stage names defined in sluice.yaml under after (a foreach or matrix name stands for all its items); `sluice dag` lists them.',
});

export const missingDependency = defineError<{ stage: string; path: string }>('SLUICE_PIPELINE_MISSING_DEP', {
  kind: 'invalid_input',
  description: 'A stage depends on a path that does not exist and that no stage produces.',
  message: ({ stage, path }) => `Stage "${stage}" depends on ${path}, which does not exist and which no stage produces.`,
  hint: () => 'Create the file, fix the path, or add the stage that makes it (with the path under its outs).',
});

export const trackedDependencyMissing = defineError<{ stage: string; path: string; pointer: string }>('SLUICE_PIPELINE_TRACKED_DEP_MISSING', {
  kind: 'invalid_input',
  description: 'A stage depends on versioned data (a .sluice pointer tracks it) that is not in the working copy.',
  message: ({ stage, path, pointer }) => `Stage "${stage}" depends on ${path}, which ${pointer} tracks but which is not in the working copy.`,
  hint: ({ path }) => `Run \`sluice data pull ${path}\` to fetch it from the remote and restore it (\`sluice data checkout ${path}\` is enough while it is in the local cache).`,
});

export const outputTracked = defineError<{ stage: string; path: string; pointer: string }>('SLUICE_PIPELINE_OUTPUT_TRACKED', {
  kind: 'invalid_input',
  description: 'A stage writes a path that a .sluice pointer tracks as versioned data: running it would overwrite that data.',
  message: ({ stage, path, pointer }) => `Stage "${stage}" writes ${path}, which ${pointer} tracks as versioned data: running it would overwrite that data.`,
  hint: () => 'A path is either a stage\'s output (sluice.lock versions it) or data tracked with `sluice data add`, not both: have the stage write another path, or remove the pointer (its data stays in the cache) and let the stage make it.',
});

export const stageNotFound = defineError<{ name: string; suggestion: string }>('SLUICE_PIPELINE_STAGE_NOT_FOUND', {
  kind: 'not_found',
  description: 'A stage named on the command line is not defined in sluice.yaml.',
  message: ({ name, suggestion }) => `There is no stage "${name}".${suggestion}`,
  hint: () => 'Run `sluice dag` to list the stages.',
});

export const invalidLockfile = defineError<{ reason: string }>('SLUICE_PIPELINE_BAD_LOCKFILE', {
  kind: 'invalid_input',
  description: 'sluice.lock cannot be read (edited by hand, or a merge conflict).',
  message: ({ reason }) => `sluice.lock is not valid: ${reason}.`,
  hint: () => 'Resolve merge conflicts in it, restore it with `git checkout sluice.lock`, or delete it to treat every stage as never run.',
});

export const pipelineFailed = defineError<{ failed: readonly string[] }>('SLUICE_PIPELINE_RUN_FAILED', {
  kind: 'check_failed',
  description: 'One or more stages of `sluice run` failed.',
  message: ({ failed }) => `${failed.length} stage${failed.length === 1 ? '' : 's'} failed: ${failed.join(', ')}.`,
  hint: () => 'See the output and logs above; stages that succeeded are recorded and will not rerun.',
});

export const runInterrupted = defineError<void>('SLUICE_PIPELINE_INTERRUPTED', {
  kind: 'check_failed',
  description: '`sluice run` was interrupted (Ctrl-C or SIGTERM) and stopped its running stages.',
  message: () => 'Interrupted: running stages were stopped.',
  hint: () => 'Run `sluice run` again to continue; finished stages are recorded and will not rerun.',
});

export const invalidMetricsFile = defineError<{ path: string; reason: string }>('SLUICE_PIPELINE_BAD_METRICS_FILE', {
  kind: 'invalid_input',
  description: 'A metrics file is not a JSON or YAML mapping.',
  message: ({ path, reason }) => `Cannot read metrics from ${path}: ${reason}.`,
  hint: () => 'Metrics files must hold a JSON (or YAML) object, e.g. {"accuracy": 0.93}.',
});

export const duplicateStageName = defineError<{ name: string }>('SLUICE_PIPELINE_DUPLICATE_STAGE', {
  kind: 'invalid_input',
  description: 'Two stages get the same name, usually two equal foreach items.',
  message: ({ name }) => `The stage name "${name}" is defined twice.`,
  hint: () => 'Make foreach items (or matrix values) unique, or rename one of the stages.',
});

export const invalidForeach = defineError<{ stage: string; reason: string }>('SLUICE_PIPELINE_BAD_FOREACH', {
  kind: 'invalid_input',
  description: 'A foreach or matrix expression does not name a list (or, for foreach, a mapping).',
  message: ({ stage, reason }) => `Stage "${stage}": ${reason}.`,
  hint: () => 'foreach takes a list, a mapping, or ${key} naming one in params; matrix takes lists.',
});

export const invalidMetricKeyPattern = defineError<{ pattern: string; reason: string }>('SLUICE_PIPELINE_BAD_METRIC_KEYS', {
  kind: 'invalid_input',
  description: 'A --keys pattern of `sluice metrics show|diff` is a /regex/ that does not compile.',
  message: ({ pattern, reason }) => `--keys ${pattern} is not a valid regular expression: ${reason}.`,
  hint: () => 'Give a glob on metric names (accuracy, f1*, loss.*) or a JavaScript regular expression between slashes (/^(acc|roc)/); quote it for the shell.',
});

export const metricsTargetNotFound = defineError<{ path: string }>('SLUICE_PIPELINE_METRICS_TARGET_NOT_FOUND', {
  kind: 'not_found',
  description: 'A file given to `sluice metrics show --targets` does not exist in the workspace.',
  message: ({ path }) => `The metrics file ${path} does not exist.`,
  hint: () => 'Check the path (relative to the current directory), or run the stage that writes it; `sluice metrics show` without --targets lists the declared metrics files.',
});

export const invalidPlotFile = defineError<{ path: string; reason: string }>('SLUICE_PIPELINE_BAD_PLOT_FILE', {
  kind: 'invalid_input',
  description: 'A plot file cannot be drawn: it is not CSV, TSV, JSON, YAML, an image, or an HTML or Markdown report, it does not parse, or the columns its declaration names are missing.',
  message: ({ path, reason }) => `Cannot plot ${path}: ${reason}.`,
  hint: () => 'Plot data is a CSV/TSV file with a header row, or a JSON/YAML list of objects (or a mapping of names to such lists); check `x` and `y` in its `plots:` declaration.',
});

export const plotTargetNotDeclared = defineError<{ path: string; declared: readonly string[] }>('SLUICE_PIPELINE_PLOT_TARGET_NOT_DECLARED', {
  kind: 'not_found',
  description: 'A file given to `sluice plots show|diff` is not declared under `plots:` by any stage.',
  message: ({ path, declared }) =>
    `${path} is not a declared plot. ${declared.length === 0 ? 'No stage declares plots.' : `Declared plots: ${declared.join(', ')}.`}`,
  hint: () => 'Give paths as declared under a stage\'s `plots:` in sluice.yaml (relative to the current directory), or add the file there.',
});

export const noPlotRendered = defineError<{ reasons: readonly string[] }>('SLUICE_PIPELINE_NO_PLOT_RENDERED', {
  kind: 'invalid_input',
  description: '`sluice plots show|diff` found nothing to draw: no stage declares plots, or none of the plot files can be read.',
  message: ({ reasons }) => `No plot could be rendered: ${reasons.join('; ')}.`,
  hint: () => 'Declare plot files under a stage\'s `plots:` in sluice.yaml and run `sluice run` to write them; `sluice plots show --json` shows what each file holds.',
});

export const sharedCacheIncomplete = defineError<{ direction: string; url: string; failures: readonly string[] }>('SLUICE_PIPELINE_SHARED_CACHE_INCOMPLETE', {
  kind: 'unavailable',
  description: 'Outputs could not be pushed to or pulled from the shared cache (`sluice run --push/--pull`, `sluice stage run`).',
  message: ({ direction, url, failures }) =>
    `${failures.length} object${failures.length === 1 ? '' : 's'} could not be ${direction} the shared cache at ${url}:\n${failures.slice(0, 10).map((failure) => `  ${failure}`).join('\n')}${failures.length > 10 ? `\n  … and ${failures.length - 10} more` : ''}`,
  hint: () => 'Check that the remote is reachable and writable (`sluice remote list`; for S3 the AWS_* settings), then run again: objects already transferred are not sent twice.',
});

export const stageInputsUnavailable = defineError<{ stage: string; upstream: string; paths: readonly string[] }>('SLUICE_PIPELINE_STAGE_INPUTS_UNAVAILABLE', {
  kind: 'check_failed',
  description: '`sluice stage run` needs a dep that is missing and that no cache (local, run cache or shared cache) holds for the inputs of the stage producing it.',
  message: ({ stage, upstream, paths }) =>
    `Stage "${stage}" needs ${paths.join(', ')}, produced by stage "${upstream}", which is not in any cache for its current inputs.`,
  hint: ({ upstream }) => `Run stage "${upstream}" first (\`sluice stage run ${upstream} --push\` on a machine sharing this cache), or give --pull with the remote it was pushed to.`,
});

export const stageNotOne = defineError<{ name: string; items: readonly string[] }>('SLUICE_PIPELINE_STAGE_RUN_GROUP', {
  kind: 'invalid_input',
  description: '`sluice stage run` runs exactly one stage, and was given the name of a foreach/matrix group.',
  message: ({ name, items }) => `"${name}" names ${items.length} stages (${items.slice(0, 5).join(', ')}${items.length > 5 ? ', …' : ''}); \`sluice stage run\` runs exactly one.`,
  hint: ({ items }) => `Name one item, e.g. \`sluice stage run ${items[0] ?? 'NAME@ITEM'}\`, or use \`sluice run\` for the group.`,
});

export const runRecordsLost = defineError<{ runId: string; reason: string }>('SLUICE_PIPELINE_RECORDS_LOST', {
  kind: 'unavailable',
  description: 'A `sluice run` stopped because its records could no longer be written (the team server stopped answering mid-run); the next run closes them.',
  message: ({ runId, reason }) =>
    `Run ${runId} stopped: its records could not be written (${reason}). The outputs and sluice.lock entries of the stages that finished are in this checkout; the run stays unfinished in the records until the next \`sluice run\` closes it as KILLED.`,
  hint: () => 'When the server answers again, run `sluice run` again: it closes this run and runs only the stages that are not up to date.',
});

/**
 * The flags of the tracking, registry and server commands (`runs`, `experiments`, `models`, `audit`, `token`,
 * `server`). Like program.ts, only parsing: each action imports its module on use.
 */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

// eslint-disable-next-line max-lines-per-function -- a declarative table of commands and their flags, one short entry each; splitting it would only scatter the help text
export function defineTrackingCommands(program: Command, run: Runner, output: CliContext, version: string): void {
  const runs = program.command('runs').description('tracked runs: pipeline runs and their stages, evaluations, gates, MLflow clients\' runs');
  runs
    .command('list', { isDefault: true })
    .description('list runs, newest first (by default, this workspace\'s experiment without nested stage runs)')
    .option('--experiment <name-or-id>', 'an experiment to search (repeatable); default: this workspace\'s', collect)
    .option('--filter <filter>', 'MLflow\'s filter language, e.g. "metrics.roc_auc > 0.95 and params.algorithm = \'gbdt\'"')
    .option('--order-by <clause>', 'e.g. "metrics.roc_auc DESC" (repeatable)', collect)
    .option('--max-results <n>', 'runs per page (default 20)')
    .option('--limit <n>', 'the same as --max-results')
    .option('--page-token <token>', 'the next page, from the previous page\'s hint')
    .option('--all', 'include nested runs (pipeline stages)')
    .option('--deleted', 'only deleted runs')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/runs.js')).runsListCommand(options, output)));
  runs
    .command('show')
    .description('one run: params, metrics, data read, files produced, stages, artifacts')
    .argument('<run>', 'a run id, or its first characters')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (id: string, options: unknown) => (await import('./commands/runs.js')).runsShowCommand(id, options, output)));
  runs
    .command('compare')
    .description('params and metrics of runs side by side, differences marked')
    .argument('<runs...>', 'run ids (or their first characters); one shows its params and metrics alone')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (ids: string[], options: unknown) => (await import('./commands/runs.js')).runsCompareCommand(ids, options, output)));
  runs
    .command('delete')
    .description('delete a run and the runs nested under it (MLflow\'s soft delete: `runs list --deleted` shows them, `runs restore` brings them back)')
    .argument('<run>', 'a run id, or its first characters')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (id: string, options: unknown) => (await import('./commands/runs.js')).runsLifecycleCommand('delete', id, options, output)));
  runs
    .command('restore')
    .description('bring back a deleted run and the runs nested under it')
    .argument('<run>', 'a run id, or its first characters')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (id: string, options: unknown) => (await import('./commands/runs.js')).runsLifecycleCommand('restore', id, options, output)));

  const experiments = program.command('experiments').description('the experiments runs are filed under');
  experiments
    .command('list', { isDefault: true })
    .description('experiments with their id, lifecycle and number of active runs')
    .option('--all', 'include deleted experiments')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/experiments.js')).experimentsListCommand(options, output)));

  const models = program.command('models').description('the model registry: versions, aliases, lineage');
  models
    .command('register')
    .description('register a model file (or runs:/RUN_ID/PATH) as a new version, with its hash, signature and lineage')
    .argument('<source>', 'an ONNX file, an XGBoost model saved as JSON (converted to ONNX; the JSON is kept), or runs:/RUN_ID/PATH')
    .option('--name <name>', 'the registered model (created if new)')
    .option('--alias <alias>', 'point this alias at the new version (e.g. champion)')
    .option('--description <text>', 'a description of the version')
    .option('--tag <key=value>', 'a tag on the version (repeatable)', collect)
    .option('--json', 'print machine-readable JSON')
    .action(run(async (source: string, options: unknown) => (await import('./commands/models.js')).modelsRegisterCommand(source, options, output, version)));
  models
    .command('import')
    .description('convert a model trained elsewhere to ONNX with Sluice\'s metadata (today: XGBoost JSON)')
    .argument('<format>', 'xgboost')
    .argument('<file>', 'the model: for xgboost, the JSON of booster.save_model("model.json")')
    .requiredOption('--out <file>', 'where to write the ONNX model')
    .option('--feature-names <names>', 'comma-separated feature names (default: those saved in the model, else f0, f1, …)')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (format: string, file: string, options: unknown) => (await import('./commands/models-import.js')).modelsImportCommand(format, file, options, version, output)));
  models
    .command('card')
    .description('a model card (Mitchell et al. 2019) for a version: details, intended use, data, metrics with intervals, explanation, gate, audit; stored with the version')
    .argument('<model>', 'NAME@ALIAS, NAME/VERSION or a models:/ URI (NAME alone: the latest version)')
    .option('--out <file>', 'write the card here: .md or .html (default: print the Markdown)')
    .option('--data <file>', 'labelled evaluation data (default: data of the gates section in sluice.yaml)')
    .option('--target <column>', 'its label column (default: the gates section\'s target)')
    .option('--exclude <column...>', 'columns that are not features')
    .option('--sensitive <column...>', 'group columns for the fairness table (binary models)')
    .option('--card-file <file>', 'the intended use, owners and caveats people wrote (default: model-card.yaml)')
    .option('--bootstrap <n>', 'resamples for the 95% intervals', '1000')
    .option('--json', 'print the card as JSON')
    .action(run(async (target: string, options: unknown) => (await import('./commands/models-card.js')).modelsCardCommand(target, options, output)));
  models
    .command('list')
    .description('registered models with their latest version and aliases')
    .option('--filter <filter>', "e.g. \"name LIKE 'fraud%'\"")
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/models.js')).modelsListCommand(options, output)));
  models
    .command('show')
    .description('a model\'s versions, or one version (NAME/3, NAME@champion) with its signature')
    .argument('<model>', 'NAME, NAME/VERSION, NAME@ALIAS or a models:/ URI')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (target: string, options: unknown) => (await import('./commands/models.js')).modelsShowCommand(target, options, output)));
  models
    .command('alias')
    .description('point an alias at a version (or show it, or --delete it)')
    .argument('<name>', 'the registered model')
    .argument('<alias>', 'e.g. champion, challenger')
    .argument('[version]', 'the version number; without it, show where the alias points')
    .option('--delete', 'remove the alias')
    .action(
      run(async (name: string, alias: string, version: string | undefined, options: unknown) =>
        (await import('./commands/models.js')).modelsAliasCommand(name, alias, version, options, output),
      ),
    );
  models
    .command('lineage')
    .description('what produced a version: run, stage, code commit, params, data hashes, upstream stages')
    .argument('<model>', 'NAME@ALIAS, NAME/VERSION or a models:/ URI (NAME alone: the latest version)')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (target: string, options: unknown) => (await import('./commands/models.js')).modelsLineageCommand(target, options, output)));
  models
    .command('delete')
    .description('delete a registered model (all its versions) or one version; refuses what an alias points at unless --force')
    .argument('<model>', 'NAME (the whole model) or NAME/VERSION')
    .option('--force', 'delete even when aliases point at it (they are removed with it)')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (target: string, options: unknown) => (await import('./commands/models.js')).modelsDeleteCommand(target, options, output)));

  program
    .command('audit')
    .description('the registry\'s audit log: who changed what, when, from where')
    .option('--model <name>', 'only changes to this registered model')
    .option('--limit <n>', 'how many entries (newest first)', '50')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/audit.js')).auditCommand(options, output)));

  const token = program.command('token').description('API tokens for the server (roles: reader, editor, admin)');
  token
    .command('create')
    .description('create a token and print its secret (once)')
    .option('--role <role>', 'reader, editor or admin')
    .option('--name <name>', 'a name to recognise it by')
    .option('--store <url>', 'a standalone server\'s metadata store (default: the project\'s, else ./sluice-server)')
    .option('--home <dir>', 'a standalone server\'s home directory (default ./sluice-server outside a project)')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/token.js')).tokenCreateCommand(options, output)));
  token
    .command('list')
    .description('tokens (never their secrets)')
    .option('--store <url>', 'a standalone server\'s metadata store (default: the project\'s, else ./sluice-server)')
    .option('--home <dir>', 'a standalone server\'s home directory (default ./sluice-server outside a project)')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/token.js')).tokenListCommand(options, output)));
  token
    .command('revoke')
    .description('revoke a token')
    .argument('<id>', 'the token id (from `sluice token list`)')
    .option('--store <url>', 'a standalone server\'s metadata store (default: the project\'s, else ./sluice-server)')
    .option('--home <dir>', 'a standalone server\'s home directory (default ./sluice-server outside a project)')
    .action(run(async (id: string, options: unknown) => (await import('./commands/token.js')).tokenRevokeCommand(id, options, output)));

  program
    .command('server')
    .description('serve tracking, the registry and artifacts over HTTP (MLflow REST API 2.0 + Sluice API): a project\'s, or standalone for a team')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '5000')
    .option('--insecure', 'listen beyond loopback without tokens (trusted networks only)')
    .option('--store <url>', 'metadata store: postgresql://… or sqlite:PATH (default SLUICE_DATABASE_URL, else the project\'s, else HOME/sluice.db)')
    .option('--artifacts <url>', 'artifact store: a directory or s3://bucket/prefix (default SLUICE_ARTIFACTS, else the project\'s, else HOME/artifacts)')
    .option('--home <dir>', 'outside a project: where the standalone server keeps its files (default ./sluice-server)')
    .option('--max-upload-mb <n>', 'largest artifact upload', '8192')
    .option('--quiet', 'no request log')
    .action(run(async (options: unknown) => (await import('./commands/server.js')).serverCommand(options, version, output)));

  program
    .command('ui')
    .description('open the web UI of this workspace: its server on loopback, its URL printed and opened in your browser')
    .option('--port <port>', 'port (0 picks a free one)', '0')
    .option('--no-open', 'only print the URL (also in CI and where there is no display)')
    .action(run(async (options: unknown) => (await import('./commands/server.js')).uiCommand(options, version, output)));
}

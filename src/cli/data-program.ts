/** The flags of the data commands (`data`, `remote`, and the profiling, validation and drift ones). */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

// eslint-disable-next-line max-lines-per-function -- a declarative table of commands and their flags, one short entry each; splitting it would only scatter the help text
export function defineDataCommands(program: Command, run: Runner, output: CliContext): void {
  const data = program.command('data').description('data under version control: pointer files, cache, remotes');
  data
    .command('add')
    .description('track files or directories: store them in the cache and write PATH.sluice pointers to commit')
    .argument('<paths...>', 'files or directories')
    .action(run(async (paths: string[]) => (await import('./commands/data.js')).dataAddCommand(paths, output)));
  data
    .command('status')
    .description('how tracked data in the working copy compares with the versions its pointers name')
    .argument('[paths...]', 'limit to these')
    .option('-r, --remote [name]', 'also compare with a remote (default: default_remote) and the git upstream: what is not pushed, not pulled, or changed upstream')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (paths: string[], options: unknown) => (await import('./commands/data.js')).dataStatusCommand(paths, options, output)));
  data
    .command('checkout')
    .description('restore the versions the pointers name (e.g. after git checkout)')
    .argument('[paths...]', 'limit to these')
    .option('-f, --force', 'also replace changes that are saved in no version')
    .action(run(async (paths: string[], options: unknown) => (await import('./commands/data.js')).dataCheckoutCommand(paths, options, output)));
  data
    .command('diff')
    .description('files added, removed and modified inside tracked data between revisions (default HEAD and the working copy)')
    .argument('[revisions...]', 'REV_A [REV_B]')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (revisions: string[], options: unknown) => (await import('./commands/data.js')).dataDiffCommand(revisions, options, output)));
  data
    .command('gc')
    .description('remove cache objects no branch, tag, working copy or registered model needs (dry run unless --force)')
    .option('--force', 'remove them')
    .option('--projects <dirs...>', 'other checkouts that share this cache (a cache outside the workspace needs them named): what they reference is kept too')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/data.js')).dataGcCommand(options, output)));
  data
    .command('profile')
    .description('what a table holds: per column type, missing values, distinct values, range, quantiles, histogram, top values')
    .argument('<file>', 'CSV, TSV, Parquet or JSON lines')
    .option('--json [file]', 'print the profile as JSON (or write it to a file)')
    .option('--html <file>', 'write an HTML page with a chart per column')
    .action(run(async (file: string, options: unknown) => (await import('./commands/profile.js')).profileCommand(file, options, output)));
  for (const direction of ['push', 'pull'] as const) {
    const command = data
      .command(direction)
      .description(direction === 'push' ? 'send tracked data and pipeline outputs to a remote (only what it lacks)' : 'fetch tracked data and pipeline outputs from a remote, verified, and restore them')
      .argument('[paths...]', 'limit to these')
      .option('-r, --remote <name>', 'the remote (default: default_remote)')
      .option('-j, --jobs <n>', 'objects transferred at once', '8');
    if (direction === 'pull') command.option('-f, --force', 'also replace working-copy changes that are saved in no version');
    command.action(run(async (paths: string[], options: unknown) => (await import('./commands/data.js')).dataTransferCommand(direction, paths, options, output)));
  }

  program
    .command('drift')
    .description('has the data moved? per-column drift tests and the data set\'s verdict (exit 1 on dataset drift)')
    .argument('<reference>', 'the reference data: CSV, Parquet or JSON lines (e.g. the training set)')
    .argument('<current>', 'the data to compare with it')
    .option('--columns <names...>', 'compare only these columns (default: every column both have)')
    .option('--exclude <names...>', 'leave these columns out (ids, the target)')
    .option('--method <method>', 'auto (per column, as Evidently), ks, wasserstein, psi, jensenshannon, chi2 or z', 'auto')
    .option('--threshold <t>', 'α for tests, the distance for the others (default per method: 0.05; 0.1; PSI 0.25)')
    .option('--correction <kind>', 'for many columns: bonferroni, fdr (Benjamini–Hochberg) or none', 'bonferroni')
    .option('--drift-share <share>', 'dataset drift when at least this share of columns drifted', '0.5')
    .option('--json [file]', 'print the result as JSON (or write it to a file)')
    .option('--report <file>', 'write a report: .html (with charts) or .md')
    .action(run(async (reference: string, current: string, options: unknown) => (await import('./commands/drift.js')).driftCommand(reference, current, options, output)));

  const schema = program.command('schema').description('data schemas: what a table must look like');
  schema
    .command('infer')
    .description('write a schema the file satisfies (types, nullability, ranges, categories, uniqueness, row counts) to edit')
    .argument('<file>', 'a good data file: CSV, TSV, Parquet or JSON lines')
    .option('-o, --out <file>', 'write it here (default: print it)')
    .option('--force', 'replace an existing file')
    .option('--bounds <policy>', 'numeric min/max: sign (min: 0 for columns without negative values), exact (the file\'s range), or none', 'sign')
    .action(run(async (file: string, options: unknown) => (await import('./commands/validate.js')).schemaInferCommand(file, options, output)));

  program
    .command('validate')
    .description('check data against a schema (and for drift against a reference); exit 1 listing every violation')
    .argument('<file>', 'the data: CSV, TSV, Parquet or JSON lines')
    .option('--schema <file>', 'the schema (see `sluice schema infer`)')
    .option('--reference <file>', 'also test for drift against this data (settings under drift: in the schema)')
    .option('--json [file]', 'print the result as JSON (or write it to a file)')
    .option('--report <file>', 'write a Markdown report')
    .option('--summary <file>', 'write the verdict as a small JSON (for pipeline metrics)')
    .option('--examples <n>', 'example rows per violation', '5')
    .action(run(async (file: string, options: unknown) => (await import('./commands/validate.js')).validateCommand(file, options, output)));

  const remote = program.command('remote').description('named storage for data: a directory, file:///path or s3://bucket/prefix');
  remote
    .command('add')
    .description('add a remote to .sluice/config.yaml')
    .argument('<name>', 'a name, e.g. storage')
    .argument('<url>', 'a directory, file:///path or s3://bucket/prefix')
    .option('--default', 'make it the default remote')
    .option('--endpoint <url>', 'S3: a custom endpoint (MinIO, Ceph)')
    .option('--region <region>', 'S3: the region')
    .action(run(async (name: string, url: string, options: unknown) => (await import('./commands/data.js')).remoteAddCommand(name, url, options, output)));
  remote
    .command('list')
    .description('configured remotes')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/data.js')).remoteListCommand(options, output)));
  remote
    .command('remove')
    .description('remove a remote from .sluice/config.yaml')
    .argument('<name>', 'the remote')
    .action(run(async (name: string) => (await import('./commands/data.js')).remoteRemoveCommand(name, output)));
}

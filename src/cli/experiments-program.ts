/** The flags of `sluice exp run|show|apply`: experiments and sweeps. */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `sluice exp run|show|apply` on the program. */
export function defineExperimentCommands(program: Command, run: Runner, output: CliContext, version: string): void {
  const exp = program.command('exp').description('experiments and sweeps: the pipeline over a grid of params, each run isolated and tracked');
  exp
    .command('run')
    .description('run the pipeline once per combination of params overrides, each in its own temp workspace')
    .option('-S, --set-param <override>', '[FILE:]KEY=V1,V2,… (repeatable; the grid is every combination)', collect, [])
    .option('--random <n>', 'run N combinations drawn at random from the grid instead of all')
    .option('--seed <n>', 'seed of --random', '0')
    .option('-j, --jobs <n>', 'experiments run at once (default 1; with --queue, all of them)')
    .option('--queue [url]', "run the experiments' stages on queue workers (`sluice worker`) at the current commit; the queue's Redis as redis://HOST:PORT[/DB][?prefix=NAME] (default: executor.queue in .sluice/config.yaml)")
    .option('--worker-timeout <seconds>', 'with --queue: fail a stage that no connected worker can take for this long', '30')
    .option('--name <prefix>', 'the sweep\'s name; experiments are named PREFIX-1, PREFIX-2, … (default exp-<random>)')
    .option('--pull', 'fetch outputs already computed from the shared cache (a remote)')
    .option('--push', 'publish outputs and run-cache entries to the shared cache')
    .option('-r, --remote <name>', 'the remote used as shared cache (default: default_remote)')
    .action(run(async (options: unknown) => (await import('./commands/exp.js')).expRunCommand(options, output, version)));
  exp
    .command('show')
    .description('a sweep\'s experiments: overridden params against metrics (default: the latest sweep)')
    .option('--sweep <name>', 'the sweep to show')
    .option('--all', 'every experiment of every sweep')
    .option('--sort-by <metric>', 'sort by this metric (runs without it last)')
    .option('--sort-order <order>', 'asc or desc', 'asc')
    .option('--json', 'print machine-readable JSON')
    .action(run(async (options: unknown) => (await import('./commands/exp.js')).expShowCommand(options, output)));
  exp
    .command('apply')
    .description('bring one experiment\'s params and outputs into the workspace')
    .argument('<id>', 'a run id (or its first 8 characters) or an experiment name (PREFIX-N)')
    .action(run(async (id: string) => (await import('./commands/exp.js')).expApplyCommand(id, output)));
}

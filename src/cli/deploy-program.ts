/** The flags of the delivery commands (`deploy`, `rollout`). */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

export function defineDeployCommands(program: Command, run: Runner, output: CliContext): void {
  program
    .command('deploy')
    .description('roll a registered version out to an environment declared under deploy: in sluice.yaml')
    .argument('<model>', 'models:/NAME/VERSION or models:/NAME@ALIAS (NAME/3 and NAME@ALIAS too)')
    .requiredOption('--env <name>', 'the environment, as declared under deploy: in sluice.yaml')
    .option('--strategy <kind>', "direct, bluegreen, canary, shadow or ab (default: the environment's)")
    .option('-f, --force', 'abort a rollout in progress and start this one')
    .option('--wait', 'follow the rollout: exit 0 when promoted, 1 when degraded, aborted or rolled back')
    .option('--json', 'print the rollout as JSON')
    .option('--target <target>', 'embedded (start the rollout; `sluice serve --env` carries it out) or k8s (write Argo Rollouts and KServe manifests to --out instead)', 'embedded')
    .option('--out <dir>', 'with --target k8s: the directory to write rollout.yaml, kserve.yaml and README.md into')
    .action(run(async (model: string, options: unknown) => (await import('./commands/deploy.js')).deployCommand(model, options, output)));

  const rollout = program.command('rollout').description("inspect and steer an environment's rollout");
  const actions: readonly [string, string][] = [
    ['status', 'phase, stable and candidate versions with weights, the current step and each analysis measurement'],
    ['promote', 'go past the current pause or analysis (--full: past every remaining step)'],
    ['abort', 'back to the stable version: candidate weight 0'],
    ['rollback', 'switch back to the version before the last rollout, and move the alias back'],
    ['history', 'the rollouts of the environment, newest first'],
  ];
  for (const [name, description] of actions) {
    const command = rollout
      .command(name)
      .description(description)
      .requiredOption('--env <name>', 'the environment, as declared under deploy: in sluice.yaml')
      .option('--json', 'print machine-readable JSON');
    if (name === 'promote') command.option('--full', 'skip every remaining step and analysis');
    if (name === 'history') command.option('--limit <n>', 'rollouts to list', '20');
    command.action(
      run(async (options: unknown) => {
        const { rolloutCommand } = await import('./commands/rollout.js');
        return rolloutCommand(name as Parameters<typeof rolloutCommand>[0], options, output);
      }),
    );
  }
}

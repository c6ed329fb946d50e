/**
 * The `init` subcommand of `sluice ci` (flags only). The command module is imported on use, so
 * `sluice --help` loads none of src/ci/.
 */
import type { Command } from 'commander';
import type { CliOutput } from '../output.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Adds `init` to the `sluice ci` command group. */
export function registerCiInit(ci: Command, run: Runner, output: CliOutput, version: string): void {
  ci.command('init')
    .description('write a CI pipeline file (GitHub Actions, GitLab CI, Jenkins, CircleCI) that runs `sluice ci`')
    .requiredOption('--provider <name>', 'the CI system: github, gitlab, jenkins or circleci')
    .option('-f, --force', 'replace the file if it exists')
    .action(run(async (options: unknown) => (await import('./ci-init-command.js')).ciInitCommand(options, version, output)));
}

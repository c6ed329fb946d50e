/** The flags of `sluice ci` (the whole CI/CD flow on a commit). */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Defines `sluice ci` and returns it, for its subcommands. */
export function defineCiCommands(program: Command, run: Runner, output: CliContext): Command {
  return program
    .command('ci')
    .description('the CI/CD flow on this commit: data, tests, pipeline, gate against production, register, deploy (exit 0 passed, 1 blocked)')
    .option('--base <ref>', 'a git revision to diff params and metrics against (e.g. origin/main)')
    .option('--report <file>', 'write the pull-request report (GitHub/GitLab Markdown), whatever the verdict')
    .option('--plots <dir>', 'with --report: also write its charts as SVG files here, linked from the report')
    .option('--post <provider>', 'post the report to the pull/merge request and set a commit status: github, gitlab or auto (from the CI environment)')
    .option('--json <file>', 'write the whole result as JSON')
    .option('-r, --remote <name>', 'the shared cache (a data remote; default: the default remote, when one is configured)')
    .option('--no-pull', 'run stages even when the shared cache has their outputs')
    .option('--push', 'publish the outputs and run-cache entries of the stages to the shared cache')
    .option('--deploy <env>', 'roll the registered version out to this environment of the deploy: section')
    .option('--alias <name>', 'the alias the registered candidate gets', 'challenger')
    .option('--model <name>', 'the registered model (default: from the gates baseline, models:/NAME@ALIAS)')
    .option('--gate <name>', 'the gate set that decides, when the gates section has several named ones')
    .action(run(async (options: unknown) => (await import('./commands/ci.js')).ciCommand(options, output)));
}

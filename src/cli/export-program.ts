/** The flags of `sluice export argo` and `sluice export k8s-worker`. */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** Registers `sluice export …` on `program`. */
export function defineExportCommands(program: Command, run: Runner, output: CliContext, version: string): void {
  const exporter = program.command('export').description('the pipeline for other engines: Argo Workflows, a Kubernetes worker pool');
  const withCommon = (command: Command): Command =>
    command
      .requiredOption('--out <file>', 'the YAML file to write (- prints it)')
      .option('--image <image>', 'the image with Sluice and the tools the stages run (default sluice:VERSION)')
      .option('--namespace <ns>', 'the Kubernetes namespace')
      .option('--server-url <url>', "the team server's URL (default: the url key of the sluice-server Secret)")
      .option('--repository <url>', "the git repository the pods clone (default: git's origin)")
      .option('--json', 'print what was written as JSON');

  withCommon(
    exporter
      .command('argo')
      .description('compile the pipeline DAG to an Argo Workflow: one pod per stage running `sluice stage run NAME --pull --push` at the current commit')
      .option('--name <name>', 'the workflow name prefix (default: the project directory)')
      .option('--remote <name>', 'the S3 remote the stages share as their cache (default: the default remote)')
      .option('--retries <n>', 'retries of a stage whose pod failed for another reason than its command (node lost, evicted)', '2')
      .option('--service-account <name>', "the pods' service account (Argo's executor needs one allowed to write workflowtaskresults)")
      .option('--git-secret <name>', 'a Secret with username and password keys, to clone a private repository over HTTPS'),
  ).action(run(async (options: unknown) => (await import('./commands/export.js')).exportArgoCommand(options, version, output)));

  withCommon(
    exporter
      .command('k8s-worker')
      .description('write a ServiceAccount and a Deployment of `sluice worker` for the BullMQ queue')
      .option('--name <name>', 'the Deployment name', 'sluice-worker')
      .option('--replicas <n>', 'workers', '2')
      .option('--concurrency <n>', 'stages each worker runs at once', '1')
      .option('--labels <labels>', 'worker labels, comma-separated (gpu,bigmem or pool=highmem): also node selectors')
      .option('--cpu <cores>', 'CPU request of each worker', '1')
      .option('--memory <size>', 'memory request and limit of each worker', '2Gi')
      .option('--gpu <n>', 'GPUs of each worker (nvidia.com/gpu)', '0')
      .option('--queue <url>', 'the Redis URL of the queue (default: the url key of the sluice-queue Secret)')
      .option('--remote <name>', 'the S3 remote the workers share outs through (default: the default remote)')
      .option('--grace-period <seconds>', 'time for running stages to finish after SIGTERM, before SIGKILL', '600'),
  ).action(run(async (options: unknown) => (await import('./commands/export.js')).exportWorkerCommand(options, version, output)));
}

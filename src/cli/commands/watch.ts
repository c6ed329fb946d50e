/**
 * `sluice watch [--interval 60s] [--branch B] [--remote NAME] [--schedule CRON] [-- CI ARGS]`:
 * CI without a CI platform. Polls the branch and runs `sluice ci` (this same binary, as a child
 * process) on a new commit, a change of the data, or the schedule, until Ctrl-C or SIGTERM.
 */
import { z } from 'zod';
import { checkSchedule, childProcessRunner, watchBranch, WATCH_STATE_FILE } from '../../ci/index.js';
import { currentBranch } from '../../core/index.js';
import { listRemotes, openRemote } from '../../data-versioning/index.js';
import { durationSchema, formatDuration } from '../../deploy/index.js';
import { currentWorkspace } from '../context.js';
import { invalidOption, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

const watchSchema = z.object({
  interval: durationSchema.default(60_000).refine((ms) => ms >= 10, { error: 'must be at least 10ms' }),
  branch: z.string().min(1, { error: 'must name a branch' }).optional(),
  remote: z.string().min(1, { error: 'must name a remote' }).optional(),
  schedule: z.string().min(1, { error: 'must be a cron expression, like "0 3 * * *"' }).optional(),
});

/** The watch's lines on stderr, timestamped. */
function logger(output: CliOutput): (line: string) => void {
  return (line) => output.stderr.write(`${new Date().toISOString()} sluice watch: ${line}\n`);
}

/** Runs until SIGINT or SIGTERM; exit 0 then, whatever the runs' outcomes. */
export async function watchCommand(ciArgs: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(watchSchema, rawOptions, 'watch');
  // Checked before anything starts: a typo in the schedule is a usage error.
  if (options.schedule !== undefined) checkSchedule(options.schedule).stop();
  const workspace = currentWorkspace();
  const branch = options.branch ?? (await currentBranch(workspace.root));
  if (branch === undefined) throw invalidOption({ command: 'watch', problem: '--branch is required when no branch is checked out (detached HEAD)' });
  const useRemote = options.remote !== undefined || listRemotes(workspace).some((remote) => remote.isDefault);
  const remote = useRemote ? await openRemote(workspace, options.remote) : undefined;
  const log = logger(output);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const command: [string, ...string[]] = [process.execPath, ...process.execArgv, process.argv[1]!, 'ci', ...ciArgs];
    const data = remote ? `data on ${remote.remote.name} (${remote.storage.url})` : 'pointer versions (no remote configured)';
    log(`watching ${branch} every ${formatDuration(options.interval)}, ${data}${options.schedule ? `, schedule "${options.schedule}"` : ''}; state in ${WATCH_STATE_FILE}. Ctrl-C or SIGTERM stops.`);
    const summary = await watchBranch({
      root: workspace.root,
      branch,
      intervalMs: options.interval,
      schedule: options.schedule,
      storage: remote?.storage,
      runCi: childProcessRunner(command, { cwd: workspace.root }),
      signal: controller.signal,
      log,
    });
    log(`stopped after ${summary.polls} polls and ${summary.runs} runs.`);
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    (remote?.storage as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

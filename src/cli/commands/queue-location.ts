/** The queue URL a command uses: `--queue`, else `executor.queue` in .sluice/config.yaml (when run in a project). */
import { parseQueueUrl, queueErrors, type QueueLocation } from '../../distributed/index.js';
import { locateWorkspaceRoot, openWorkspace } from '../../workspace/index.js';

/** Resolves and parses the queue URL; SLUICE_QUEUE_URL_MISSING when there is none. */
export function resolveQueueLocation(flag: string | undefined, command: string, cwd: string = process.cwd()): QueueLocation {
  if (flag !== undefined) return parseQueueUrl(flag);
  // Outside a project only --queue can say; inside one, a config that does not load is reported as it is.
  const root = locateWorkspaceRoot(cwd);
  const configured = root === undefined ? undefined : openWorkspace(root).config.executor?.queue;
  if (configured === undefined) throw queueErrors.queueUrlMissing({ command });
  return parseQueueUrl(configured);
}

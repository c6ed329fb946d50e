/** The queue URL a command uses: `--queue`, else `executor.queue` in .sluice/config.yaml (when run in a project). */
import { parseQueueUrl, queueErrors, type QueueLocation } from '../../distributed/index.js';
import { findWorkspaceRoot, openWorkspace } from '../../workspace/index.js';

/** Resolves and parses the queue URL; SLUICE_QUEUE_URL_MISSING when there is none. */
export function resolveQueueLocation(flag: string | undefined, command: string, cwd: string = process.cwd()): QueueLocation {
  if (flag !== undefined) return parseQueueUrl(flag);
  let configured: string | undefined;
  try {
    configured = openWorkspace(findWorkspaceRoot(cwd)).config.executor?.queue;
  } catch {
    configured = undefined; // outside a project: only --queue can say
  }
  if (configured === undefined) throw queueErrors.queueUrlMissing({ command });
  return parseQueueUrl(configured);
}

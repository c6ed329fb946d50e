/**
 * One `sluice run` at a time per repository. The lock is a file created with O_EXCL holding the
 * owner's pid and pipeline-run id. A lock whose process is gone (killed with SIGKILL, say) is
 * taken over, and its run id is handed to the successor so the dead run's record can be closed;
 * a run whose records could not be closed (the team server went away) leaves its id the same way.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isProcessAlive, systemErrorCode, writeFileAtomic } from '../core/index.js';
import { runInProgress } from './errors.js';

export interface RunLock {
  /** The pipeline run of a previous holder that died holding the lock, if it had recorded one. */
  readonly abandonedRunId: string | undefined;
  /** Records which pipeline run holds the lock. */
  setRunId(runId: string): void;
  release(): void;
  /**
   * Releases the lock but leaves the run named in it to the next holder to close, as if this
   * process had died holding it: for a run whose records could not be closed.
   */
  releaseUnclosed(): void;
}

interface LockContent {
  readonly pid: number;
  readonly runId?: string | undefined;
}

function readLock(path: string): LockContent | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, runId: typeof parsed.runId === 'string' ? parsed.runId : undefined } : undefined;
  } catch {
    return Number.isInteger(Number(text)) ? { pid: Number(text) } : undefined;
  }
}

/** Takes the lock at `path` or throws `SLUICE_WORKSPACE_RUN_IN_PROGRESS`. */
export function acquireRunLock(path: string): RunLock {
  mkdirSync(dirname(path), { recursive: true });
  let abandonedRunId: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      let runId: string | undefined;
      return {
        abandonedRunId,
        setRunId: (id) => {
          runId = id;
          writeFileAtomic(path, JSON.stringify({ pid: process.pid, runId }));
        },
        release: () => rmSync(path, { force: true }),
        // No live process holds it: the next acquirer takes it over and is handed the run id.
        releaseUnclosed: () => (runId === undefined ? rmSync(path, { force: true }) : writeFileAtomic(path, JSON.stringify({ pid: 0, runId }))),
      };
    } catch (error) {
      if (systemErrorCode(error) !== 'EEXIST') throw error;
    }
    const owner = readLock(path);
    // pid 0: released by a run whose records could not be closed (releaseUnclosed).
    if (owner && owner.pid !== 0 && owner.pid !== process.pid && isProcessAlive(owner.pid)) throw runInProgress({ pid: owner.pid });
    abandonedRunId ??= owner?.runId;
    rmSync(path, { force: true });
  }
  throw runInProgress({ pid: readLock(path)?.pid ?? 0 });
}

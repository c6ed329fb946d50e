/**
 * One `sluice run` at a time per repository. The lock is a file holding the owner's pid,
 * created with O_EXCL; a lock whose process is gone (killed with SIGKILL, say) is taken over.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemErrorCode } from '../core/index.js';
import { runInProgress } from './errors.js';

/** Takes the lock at `path` or throws `SLUICE_WORKSPACE_RUN_IN_PROGRESS`. Returns the release function. */
export function acquireRunLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if (systemErrorCode(error) !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw runInProgress({ pid: owner });
    rmSync(path, { force: true });
  }
  throw runInProgress({ pid: Number(readFileSync(path, 'utf8').trim()) || 0 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return systemErrorCode(error) === 'EPERM';
  }
}

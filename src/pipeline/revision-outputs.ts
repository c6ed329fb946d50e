/**
 * Reading a declared output as it was at a git revision: from git when the file is tracked,
 * otherwise from the cache object that revision's `sluice.lock` names. Metrics and plots are
 * both read this way (`sluice metrics diff`, `sluice plots diff`).
 */
import { readFileSync } from 'node:fs';
import { readBytesAtRevision, readFileAtRevision, resolveRevision } from '../core/index.js';
import type { ObjectCache } from '../cache/index.js';
import { parseLockfile } from './lockfile.js';

/** Reads one output (a path from the root) at the revision; undefined when it cannot be found there. */
export type RevisionReader = (path: string) => Promise<Buffer | undefined>;

/**
 * A reader for outputs at `revision` (which must name a commit). The revision's `sluice.lock` is
 * read once; a file tracked by git wins over the lock's cache object.
 */
export async function openRevisionReader(root: string, revision: string, cache: ObjectCache): Promise<RevisionReader> {
  await resolveRevision(root, revision);
  const lockText = await readFileAtRevision(root, revision, 'sluice.lock');
  const locked = new Map<string, string>();
  if (lockText !== undefined) {
    try {
      for (const stage of Object.values(parseLockfile(lockText, `${revision}:sluice.lock`).stages)) {
        for (const out of stage.outs ?? []) locked.set(out.path, out.hash);
      }
    } catch {
      // An unreadable lock at an old revision only means cached outputs cannot be found there.
    }
  }
  return async (path) => {
    const bytes = await readBytesAtRevision(root, revision, path);
    if (bytes !== undefined) return bytes;
    const hash = locked.get(path);
    if (hash !== undefined && !hash.endsWith('.dir') && cache.has(hash)) return readFileSync(cache.objectPath(hash));
    return undefined;
  };
}

/**
 * One look at the watched branch: its head commit (after `git fetch` when it has an upstream) and
 * the fingerprint of its data, which together are the state a run is for.
 *
 * The head: the upstream's commit when the local branch is behind it (a fast-forward), else the
 * local branch's (local commits count; a diverged branch keeps its local head).
 *
 * The data fingerprint: every pointer file committed at the head (path and the version it names)
 * and, with a remote, whether that version is on the remote. It changes when a commit changes a
 * pointer, and when the remote's content changes for a pointer of the head: the version a pointer
 * names arrives on the remote (the commit was pushed before its data), or leaves it.
 */
import { commitOf, fetchUpstream, filesChangedBetween, hashBytes, isAncestor, upstreamOf } from '../../core/index.js';
import type { ObjectStorage } from '../../cache/index.js';
import { pointersAtRevision, POINTER_SUFFIX, versionsOnRemote } from '../../data-versioning/index.js';
import { watchBranchMissing } from './errors.js';
import type { LastRun, WatchTrigger } from './watch-state.js';

export interface Observation {
  readonly commit: string;
  /** BLAKE3 of the sorted `pointer-file version [on-remote|not-on-remote]` lines. */
  readonly data: string;
  readonly pointers: number;
  /** Pointers whose version is on the remote (all of them when there is no remote). */
  readonly onRemote: number;
  /** Set when `git fetch` failed: the head is then the one fetched last. */
  readonly fetchError?: string | undefined;
}

/** The head of `branch` as described above. */
export async function branchHead(root: string, branch: string): Promise<{ commit: string; fetchError?: string }> {
  const upstream = await upstreamOf(root, branch);
  let fetchError: string | undefined;
  if (upstream !== undefined) {
    try {
      await fetchUpstream(root, upstream);
    } catch (error) {
      fetchError = error instanceof Error ? error.message : String(error);
    }
  }
  const local = await commitOf(root, `refs/heads/${branch}`);
  const remote = upstream === undefined ? undefined : await commitOf(root, upstream);
  const commit = local === undefined ? remote : remote !== undefined && remote !== local && (await isAncestor(root, local, remote)) ? remote : local;
  if (commit === undefined) throw watchBranchMissing({ branch });
  return { commit, ...(fetchError ? { fetchError } : {}) };
}

/** The branch head and its data fingerprint, against `storage` when there is a remote. */
export async function observeBranch(root: string, branch: string, storage: ObjectStorage | undefined): Promise<Observation> {
  const head = await branchHead(root, branch);
  const pointers = await pointersAtRevision(root, head.commit);
  const present = storage ? await versionsOnRemote(storage, pointers.map((located) => located.pointer.hash)) : undefined;
  const lines = pointers
    .map((located) => `${located.file} ${located.pointer.hash}${present ? (present.has(located.pointer.hash) ? ' on-remote' : ' not-on-remote') : ''}`)
    .sort();
  return {
    commit: head.commit,
    data: hashBytes(lines.join('\n')),
    pointers: pointers.length,
    onRemote: present ? pointers.filter((located) => present.has(located.pointer.hash)).length : pointers.length,
    fetchError: head.fetchError,
  };
}

/**
 * Whether the observed state needs a run, and why: nothing ran yet, or the commit changed
 * (`data` when the commits differ only in pointer files, else `commit`), or only the data
 * fingerprint changed (`data`). Undefined when the last run was for this very state.
 */
export async function triggerFor(root: string, last: LastRun | undefined, observed: Observation): Promise<WatchTrigger | undefined> {
  if (last === undefined) return 'commit';
  if (last.commit !== observed.commit) {
    const changed = await filesChangedBetween(root, last.commit, observed.commit).catch(() => undefined);
    return changed !== undefined && changed.length > 0 && changed.every((path) => path.endsWith(POINTER_SUFFIX)) ? 'data' : 'commit';
  }
  return last.data === observed.data ? undefined : 'data';
}

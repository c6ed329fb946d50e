/**
 * `sluice data status --remote`: for every tracked pointer, where the version it names is — the
 * working copy, the local cache, a remote — and whether the git upstream's copy of the pointer
 * file (as of the last `git fetch`) names another version.
 *
 * A version is on the remote when its object is there; for a directory, when its manifest is:
 * push sends a directory's files before its manifest, so a manifest on a remote promises its
 * files. The remote is asked once per version (a listing instead when there are many), never
 * once per file.
 */
import { commitOf, currentBranch, listFilesAtRevision, readFileAtRevision, upstreamOf } from '../core/index.js';
import { pool, remoteHas, type ObjectStorage } from '../cache/index.js';
import type { DataWorkspace } from './data-workspace.js';
import { parsePointer, POINTER_SUFFIX, type LocatedPointer } from './pointer.js';
import { dataStatus, type DataStatus } from './track.js';

/**
 * Where the pointer's version is, beyond the working copy:
 * - `synced`: in the local cache and on the remote;
 * - `not-pushed`: in the local cache only (`sluice data push` sends it);
 * - `not-pulled`: on the remote only (`sluice data pull` fetches it);
 * - `nowhere`: in neither (only the machine that added it may still have it).
 */
export type RemoteSync = 'synced' | 'not-pushed' | 'not-pulled' | 'nowhere';

/** One tracked pointer against the cache, the remote and the git upstream. */
export interface RemoteDataStatus extends DataStatus {
  readonly onRemote: boolean;
  readonly sync: RemoteSync;
  /**
   * The version the upstream branch's copy of this pointer file names, when it differs from the
   * working copy's pointer (`null`: the upstream has no such pointer file). Absent when they agree
   * or there is no upstream.
   */
  readonly upstreamHash?: string | null | undefined;
}

/** What `sluice data status --remote` reports. */
export interface RemoteStatusReport {
  readonly remote: { readonly name: string; readonly url: string };
  /** The branch's upstream (`origin/main`) the pointers were compared with, as of the last fetch. */
  readonly upstream: string | undefined;
  readonly pointers: readonly RemoteDataStatus[];
  /** Pointer files the upstream has and the working copy lacks. */
  readonly onlyUpstream: readonly { readonly pointerFile: string; readonly hash: string }[];
}

/** The pointers committed at `revision` (relative to `root`), read from git, not the working copy. */
export async function pointersAtRevision(root: string, revision: string): Promise<LocatedPointer[]> {
  const pointers: LocatedPointer[] = [];
  for (const file of await listFilesAtRevision(root, revision, POINTER_SUFFIX)) {
    if (file.startsWith('.sluice/') || file.split('/').pop() === POINTER_SUFFIX) continue;
    const text = await readFileAtRevision(root, revision, file);
    if (text === undefined) continue;
    const pointer = parsePointer(text, `${revision}:${file}`);
    const directory = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    pointers.push({ file, target: `${directory}${pointer.path}`, pointer });
  }
  return pointers;
}

/** Which of `ids` (versions: file objects or directory manifests) `storage` holds; batched. */
export async function versionsOnRemote(storage: ObjectStorage, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const has = await remoteHas(storage, unique);
  const present = new Set<string>();
  const failures = await pool(unique, 8, async (id) => {
    if (await has(id)) present.add(id);
  });
  if (failures.length > 0) throw failures[0]!.error;
  return present;
}

function syncOf(inCache: boolean, onRemote: boolean): RemoteSync {
  if (inCache) return onRemote ? 'synced' : 'not-pushed';
  return onRemote ? 'not-pulled' : 'nowhere';
}

/** The upstream of the checked-out branch and the pointers it names, when there is one. */
async function upstreamPointers(root: string): Promise<{ upstream: string | undefined; pointers: Map<string, string> }> {
  const branch = await currentBranch(root);
  const upstream = branch === undefined ? undefined : await upstreamOf(root, branch);
  if (upstream === undefined || (await commitOf(root, upstream)) === undefined) return { upstream: undefined, pointers: new Map() };
  const pointers = await pointersAtRevision(root, upstream);
  return { upstream, pointers: new Map(pointers.map((located) => [located.file, located.pointer.hash])) };
}

/** Every tracked pointer (or those for `targets`) against the cache, `storage` and the git upstream. */
export async function remoteDataStatus(data: DataWorkspace, remote: { name: string; storage: ObjectStorage }, targets: readonly string[] = []): Promise<RemoteStatusReport> {
  const statuses = await dataStatus(data, targets);
  const [onRemote, upstream] = await Promise.all([versionsOnRemote(remote.storage, statuses.map((status) => status.hash)), upstreamPointers(data.root)]);
  const pointers = statuses.map((status): RemoteDataStatus => {
    const there = onRemote.has(status.hash);
    const upstreamHash = upstream.upstream === undefined ? undefined : (upstream.pointers.get(status.pointerFile) ?? null);
    return { ...status, onRemote: there, sync: syncOf(status.inCache, there), ...(upstreamHash !== undefined && upstreamHash !== status.hash ? { upstreamHash } : {}) };
  });
  const known = new Set(statuses.map((status) => status.pointerFile));
  const onlyUpstream =
    targets.length > 0 ? [] : [...upstream.pointers].filter(([file]) => !known.has(file)).map(([pointerFile, hash]) => ({ pointerFile, hash }));
  return { remote: { name: remote.name, url: remote.storage.url }, upstream: upstream.upstream, pointers, onlyUpstream };
}

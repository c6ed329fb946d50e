/**
 * `sluice data push|pull`: the versions of pointer files and pipeline outs between the cache and
 * a remote, through the cache's one transfer layer (cache/storage/object-transfer.ts: only what
 * the other side lacks moves, manifests after their files, verified on arrival). A workspace path
 * is checked out only when all its objects arrived intact.
 */
import { pullObjects, pushObjects, type ObjectStorage, type ObjectTransferOptions, type TransferRoot } from '../cache/index.js';
import { readLockfile } from '../pipeline/index.js';
import { join } from 'node:path';
import type { DataWorkspace } from './data-workspace.js';
import { loadPointers } from './data-workspace.js';
import { transferIncomplete } from './errors.js';
import type { LocatedPointer } from './pointer.js';
import { checkoutData } from './track.js';

export interface TransferOptions extends ObjectTransferOptions {
  /** Pull: replace working-copy changes that no version holds (default: keep them and say so). */
  readonly force?: boolean;
}

export interface TransferReport {
  /** Objects moved now. */
  readonly transferred: number;
  /** Objects the other side had already. */
  readonly skipped: number;
  readonly bytes: number;
  /** Workspace paths checked out (pull). */
  readonly checkedOut: readonly string[];
}

/** The versions to transfer: pointers, and the pipeline's outs in sluice.lock. */
async function rootObjects(data: DataWorkspace, targets: readonly string[]): Promise<{ roots: TransferRoot[]; pointers: LocatedPointer[] }> {
  const wanted = targets.map((target) => target.replace(/\/+$/, '').replace(/^\.\//, ''));
  const lock = readLockfile(join(data.root, 'sluice.lock'));
  const outs = Object.values(lock.stages).flatMap((entry) => entry.outs ?? []);
  const outCovers = (target: string, path: string) => path === target || path.startsWith(`${target}/`) || target.startsWith(`${path}/`);
  const all = await loadPointers(data.root);
  const pointerCovers = (target: string, located: LocatedPointer) => located.target === target || located.file === target || located.target.startsWith(`${target}/`);
  // A target may name a pipeline output (it has no pointer file): only one that is neither is an
  // error, reported as loadPointers reports it (naming a tracked directory it is inside).
  for (const target of wanted) if (!all.some((located) => pointerCovers(target, located)) && !outs.some((out) => outCovers(target, out.path))) await loadPointers(data.root, [target]);
  const pointers = wanted.length === 0 ? all : all.filter((located) => wanted.some((target) => pointerCovers(target, located)));
  const roots: TransferRoot[] = pointers.map((located) => ({ id: located.pointer.hash, path: located.target }));
  for (const out of outs) if (wanted.length === 0 || wanted.some((target) => outCovers(target, out.path))) roots.push({ id: out.hash, path: out.path });
  return { roots: [...new Map(roots.map((root) => [root.id, root])).values()], pointers };
}

/** Sends the versions of `targets` (pointers and pipeline outs; all when empty) to `storage`. */
export async function pushData(data: DataWorkspace, storage: ObjectStorage, targets: readonly string[], options: TransferOptions = {}): Promise<TransferReport> {
  const { roots } = await rootObjects(data, targets);
  const result = await pushObjects(data.cache, storage, roots, options);
  if (result.problems.length > 0) throw transferIncomplete({ direction: 'pushed', failures: result.problems, total: result.total });
  return { transferred: result.transferred, skipped: result.skipped, bytes: result.bytes, checkedOut: [] };
}

/** Fetches the versions of `targets` from `storage` and checks out the tracked paths whose objects all arrived. */
export async function pullData(data: DataWorkspace, storage: ObjectStorage, targets: readonly string[], options: TransferOptions = {}): Promise<TransferReport> {
  const { roots, pointers } = await rootObjects(data, targets);
  const result = await pullObjects(data.cache, storage, roots, options);
  // Check out what is complete; a path with a bad or missing object keeps its current content.
  const complete = pointers.filter((located) => data.cache.has(located.pointer.hash));
  const checkedOut = complete.length > 0 ? (await checkoutData(data, [], complete, { force: options.force })).restored : [];
  if (result.problems.length > 0) throw transferIncomplete({ direction: 'pulled', failures: result.problems, total: result.total });
  return { transferred: result.transferred, skipped: result.skipped, bytes: result.bytes, checkedOut };
}

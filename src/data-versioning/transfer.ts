/**
 * `sluice data push|pull`: objects between the cache and a remote. Only what the other side
 * lacks moves, several at a time. A directory's files travel before its manifest, so a manifest
 * on the far side always means its files are there too; every object lands by atomic rename, so
 * an interrupted transfer resumes where it stopped. Pulled bytes are hashed as they arrive and
 * refused if they do not match their name; a workspace path is checked out only when all its
 * objects arrived intact.
 */
import { existsSync, statSync } from 'node:fs';
import { isDirectoryId, type ManifestEntry, type ObjectStorage } from '../cache/index.js';
import { isAppError } from '../core/index.js';
import { readLockfile } from '../pipeline/index.js';
import { join } from 'node:path';
import type { DataWorkspace } from './data-workspace.js';
import { loadPointers } from './data-workspace.js';
import { transferIncomplete } from './errors.js';
import type { LocatedPointer } from './pointer.js';
import { checkoutData } from './track.js';

/** How far a transfer is, for progress displays. */
export interface TransferProgress {
  readonly files: number;
  readonly totalFiles: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface TransferOptions {
  /** Objects moved at once (default 8). */
  readonly jobs?: number;
  readonly onProgress?: (progress: TransferProgress) => void;
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

/** A root object (a tracked path's version) and the workspace path it belongs to. */
interface RootObject {
  readonly id: string;
  readonly path: string;
}

/** The versions to transfer: pointers, and the pipeline's outs in sluice.lock. */
async function rootObjects(data: DataWorkspace, targets: readonly string[]): Promise<{ roots: RootObject[]; pointers: LocatedPointer[] }> {
  const pointers = await loadPointers(data.root, targets);
  const roots: RootObject[] = pointers.map((located) => ({ id: located.pointer.hash, path: located.target }));
  const lock = readLockfile(join(data.root, 'sluice.lock'));
  const wanted = targets.map((target) => target.replace(/\/+$/, ''));
  for (const entry of Object.values(lock.stages)) {
    for (const out of entry.outs ?? []) {
      if (wanted.length === 0 || wanted.some((target) => out.path === target || out.path.startsWith(`${target}/`) || target.startsWith(`${out.path}/`))) roots.push({ id: out.hash, path: out.path });
    }
  }
  return { roots: [...new Map(roots.map((root) => [root.id, root])).values()], pointers };
}

/** Runs `work` over `items`, `jobs` at a time, collecting failures instead of stopping at the first. */
export async function pool<T>(items: readonly T[], jobs: number, work: (item: T) => Promise<void>): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          await work(item);
        } catch (error) {
          failures.push({ item, error });
        }
      }
    }),
  );
  return failures;
}

/** What a remote holds: one listing for big transfers, a request per object for small ones. */
export async function remoteHas(storage: ObjectStorage, ids: readonly string[]): Promise<(id: string) => Promise<boolean>> {
  if (ids.length <= 32) return (id) => storage.has(id);
  const present = new Set<string>();
  for await (const id of storage.list()) present.add(id);
  return async (id) => present.has(id);
}

function describe(error: unknown): string {
  return isAppError(error) ? error.message : error instanceof Error ? error.message : String(error);
}

export async function pushData(data: DataWorkspace, storage: ObjectStorage, targets: readonly string[], options: TransferOptions = {}): Promise<TransferReport> {
  const { roots } = await rootObjects(data, targets);
  const files: { id: string; path: string; size: number }[] = [];
  const manifests: { id: string; path: string; size: number }[] = [];
  const missingLocally: string[] = [];
  for (const root of roots) {
    if (!data.cache.has(root.id)) {
      missingLocally.push(`${root.path} (${root.id}) is not in the local cache`);
      continue;
    }
    if (isDirectoryId(root.id)) {
      for (const entry of data.cache.readManifest(root.id)) files.push({ id: entry.hash, path: `${root.path}/${entry.path}`, size: entry.size });
      manifests.push({ id: root.id, path: root.path, size: statSync(data.cache.objectPath(root.id)).size });
    } else files.push({ id: root.id, path: root.path, size: statSync(data.cache.objectPath(root.id)).size });
  }
  const unique = (items: typeof files) => [...new Map(items.map((item) => [item.id, item])).values()];
  const fileObjects = unique(files);
  const manifestObjects = unique(manifests);
  const has = await remoteHas(storage, [...fileObjects, ...manifestObjects].map((item) => item.id));
  const progress = { files: 0, totalFiles: fileObjects.length + manifestObjects.length, bytes: 0, totalBytes: [...fileObjects, ...manifestObjects].reduce((sum, item) => sum + item.size, 0) };
  let transferred = 0;
  let skipped = 0;
  const send = async (item: { id: string; size: number }) => {
    if (await has(item.id)) skipped++;
    else {
      await storage.putFile(item.id, data.cache.objectPath(item.id), { size: item.size });
      transferred++;
    }
    progress.files++;
    progress.bytes += item.size;
    options.onProgress?.({ ...progress });
  };
  const jobs = options.jobs ?? 8;
  const failures = await pool(fileObjects, jobs, send);
  // Manifests last, and only for directories whose files all arrived: a manifest promises its files.
  const failedIds = new Set(failures.map((failure) => failure.item.id));
  const sendable = manifestObjects.filter((manifest) => !data.cache.readManifest(manifest.id).some((entry) => failedIds.has(entry.hash)));
  failures.push(...(await pool(sendable, jobs, send)));
  const problems = [...missingLocally, ...failures.map((failure) => `${failure.item.path}: ${describe(failure.error)}`)];
  if (problems.length > 0) throw transferIncomplete({ direction: 'pushed', failures: problems, total: progress.totalFiles + missingLocally.length });
  return { transferred, skipped, bytes: progress.bytes, checkedOut: [] };
}

export async function pullData(data: DataWorkspace, storage: ObjectStorage, targets: readonly string[], options: TransferOptions = {}): Promise<TransferReport> {
  const { roots, pointers } = await rootObjects(data, targets);
  const jobs = options.jobs ?? 8;
  const problems: string[] = [];
  let transferred = 0;
  let skipped = 0;
  let bytes = 0;
  const fetchObject = async (id: string, path: string) => {
    if (data.cache.has(id) && !isDirectoryId(id)) {
      skipped++;
      return;
    }
    const stream = await storage.read(id);
    bytes += await data.cache.addVerified(id, stream, `${storage.url} (for ${path})`);
    transferred++;
  };
  // Manifests first (they say which files to fetch), verified like any object.
  const manifests = roots.filter((root) => isDirectoryId(root.id));
  const entriesOf = new Map<string, ManifestEntry[]>();
  for (const failure of await pool(manifests, jobs, async (root) => {
    if (!existsSync(data.cache.objectPath(root.id))) await fetchManifest(data, storage, root);
    entriesOf.set(root.id, data.cache.readManifest(root.id));
  })) {
    problems.push(`${failure.item.path}: ${describe(failure.error)}`);
  }
  const files = [
    ...roots.filter((root) => !isDirectoryId(root.id)),
    ...manifests.flatMap((root) => (entriesOf.get(root.id) ?? []).map((entry) => ({ id: entry.hash, path: `${root.path}/${entry.path}`, size: entry.size }))),
  ];
  const unique = [...new Map(files.map((file) => [file.id, file])).values()];
  const sizes = new Map(manifests.flatMap((root) => (entriesOf.get(root.id) ?? []).map((entry) => [entry.hash, entry.size] as const)));
  const progress = { files: 0, totalFiles: unique.length, bytes: 0, totalBytes: unique.reduce((sum, file) => sum + (sizes.get(file.id) ?? 0), 0) };
  for (const failure of await pool(unique, jobs, async (file) => {
    try {
      await fetchObject(file.id, file.path);
    } finally {
      progress.files++;
      progress.bytes += sizes.get(file.id) ?? 0;
      options.onProgress?.({ ...progress });
    }
  })) {
    problems.push(`${failure.item.path}: ${describe(failure.error)}`);
  }
  // Check out what is complete; a path with a bad or missing object keeps its current content.
  const complete = pointers.filter((located) => data.cache.has(located.pointer.hash));
  const checkedOut = complete.length > 0 ? (await checkoutData(data, [], complete, { force: options.force })).restored : [];
  if (problems.length > 0) throw transferIncomplete({ direction: 'pulled', failures: problems, total: unique.length + manifests.length });
  return { transferred, skipped, bytes, checkedOut };
}

/**
 * Fetches a directory manifest into the cache. The cache counts a directory as present only
 * when its manifest and every file are, so the manifest may arrive before the files.
 */
async function fetchManifest(data: DataWorkspace, storage: ObjectStorage, root: RootObject): Promise<void> {
  const stream = await storage.read(root.id);
  await data.cache.addVerified(root.id, stream, `${storage.url} (for ${root.path})`);
}

/**
 * Moving objects between the local cache and object storage, the one transfer layer behind
 * `sluice data push|pull` and the pipeline's shared cache (`sluice run --push|--pull`). Only what
 * the other side lacks moves, several at a time. A directory's files travel before its manifest
 * on push, so a manifest on the far side always means its files are there too; every object lands
 * by atomic rename (or a single PUT), so an interrupted transfer resumes where it stopped and two
 * machines pushing the same object write the same bytes under the same name. Pulled bytes are
 * hashed as they arrive and refused if they do not match their name.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { hashFile, isAppError } from '../../core/index.js';
import { cachedObjectCorrupt } from '../errors.js';
import type { ManifestEntry } from '../manifest.js';
import type { ObjectCache } from '../object-cache.js';
import { isDirectoryId, type ObjectId } from '../object-id.js';
import { storageObjectMissing, storageUnavailable } from './errors.js';
import type { ObjectStorage } from './object-storage.js';

/** How far a transfer is, for progress displays. */
export interface TransferProgress {
  readonly files: number;
  readonly totalFiles: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

/** A root object to move (a file, or a directory with its files) and the path it stands for, for messages. */
export interface TransferRoot {
  readonly id: ObjectId;
  readonly path: string;
}

/** Settings of one transfer. */
export interface ObjectTransferOptions {
  /** Objects moved at once (default 8). */
  readonly jobs?: number;
  readonly onProgress?: (progress: TransferProgress) => void;
}

/** What a transfer did, and what it could not do (one line per path, for the caller's error). */
export interface ObjectTransferResult {
  /** Objects moved now. */
  readonly transferred: number;
  /** Objects the other side had already. */
  readonly skipped: number;
  /** Bytes of the objects moved now. */
  readonly bytes: number;
  /** `path: reason` for every object that did not arrive (empty when the transfer is complete). */
  readonly problems: readonly string[];
  /** Objects counted in the transfer (for "N of M failed" messages). */
  readonly total: number;
  /** Pull: objects the storage does not have (also among `problems`); a shared cache treats them as misses. */
  readonly absent: readonly ObjectId[];
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

function uniqueById<T extends { id: ObjectId }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

/**
 * Sends `roots` (and, for directories, their files) from `cache` to `storage`. A root missing from
 * the local cache is a problem, not an exception; so is an object that failed to upload. A
 * directory's manifest is sent only when all its files arrived.
 */
export async function pushObjects(cache: ObjectCache, storage: ObjectStorage, roots: readonly TransferRoot[], options: ObjectTransferOptions = {}): Promise<ObjectTransferResult> {
  const files: { id: string; path: string; size: number }[] = [];
  const manifests: { id: string; path: string; size: number }[] = [];
  const missingLocally: string[] = [];
  for (const root of uniqueById(roots)) {
    if (!cache.has(root.id)) {
      missingLocally.push(`${root.path} (${root.id}) is not in the local cache`);
      continue;
    }
    if (isDirectoryId(root.id)) {
      for (const entry of cache.readManifest(root.id)) files.push({ id: entry.hash, path: `${root.path}/${entry.path}`, size: entry.size });
      manifests.push({ id: root.id, path: root.path, size: statSync(cache.objectPath(root.id)).size });
    } else files.push({ id: root.id, path: root.path, size: statSync(cache.objectPath(root.id)).size });
  }
  const fileObjects = uniqueById(files);
  const manifestObjects = uniqueById(manifests);
  const has = await remoteHas(storage, [...fileObjects, ...manifestObjects].map((item) => item.id));
  const all = [...fileObjects, ...manifestObjects];
  const progress = { files: 0, totalFiles: all.length, bytes: 0, totalBytes: all.reduce((sum, item) => sum + item.size, 0) };
  let transferred = 0;
  let skipped = 0;
  let sent = 0;
  const send = async (item: { id: string; path: string; size: number }) => {
    if (await has(item.id)) skipped++;
    else {
      // A remote is where others restore from: an object that no longer matches its name (edited
      // through a hard link, damaged on disk) is refused here rather than spread to every clone.
      const actual = await hashFile(cache.objectPath(item.id), item.size);
      if (`blake3:${actual}${isDirectoryId(item.id) ? '.dir' : ''}` !== item.id) {
        // Wrong bytes under that name serve no one: removed, so a pull or an add can store good ones.
        rmSync(cache.objectPath(item.id), { force: true });
        throw cachedObjectCorrupt({ id: item.id, path: item.path, actual: `blake3:${actual}` });
      }
      await storage.putFile(item.id, cache.objectPath(item.id), { size: item.size });
      transferred++;
      sent += item.size;
    }
    progress.files++;
    progress.bytes += item.size;
    options.onProgress?.({ ...progress });
  };
  const jobs = options.jobs ?? 8;
  const failures = await pool(fileObjects, jobs, send);
  // Manifests last, and only for directories whose files all arrived: a manifest promises its files.
  const failedIds = new Set(failures.map((failure) => failure.item.id));
  const sendable = manifestObjects.filter((manifest) => !cache.readManifest(manifest.id).some((entry) => failedIds.has(entry.hash)));
  failures.push(...(await pool(sendable, jobs, send)));
  // A remote that cannot be reached at all fails every object the same way: that is one error
  // (with its own remedy), not a list of objects "that could not be pushed" and an add to retry.
  if (failures.length > 0 && transferred === 0 && skipped === 0 && failures.every((failure) => storageUnavailable.is(failure.error))) throw failures[0]!.error;
  const problems = [...missingLocally, ...failures.map((failure) => `${failure.item.path}: ${describe(failure.error)}`)];
  return { transferred, skipped, bytes: sent, problems, total: all.length + missingLocally.length, absent: [] };
}

/**
 * Fetches `roots` (directories with their files) from `storage` into `cache`, verifying every
 * object against its name. Objects already in the cache are not fetched again.
 */
export async function pullObjects(cache: ObjectCache, storage: ObjectStorage, roots: readonly TransferRoot[], options: ObjectTransferOptions = {}): Promise<ObjectTransferResult> {
  const unique = uniqueById(roots);
  const jobs = options.jobs ?? 8;
  const problems: string[] = [];
  const absent: ObjectId[] = [];
  const note = (failure: { item: { id: ObjectId; path: string }; error: unknown }) => {
    problems.push(`${failure.item.path}: ${describe(failure.error)}`);
    if (storageObjectMissing.is(failure.error)) absent.push(failure.item.id);
  };
  let transferred = 0;
  let skipped = 0;
  let bytes = 0;
  const fetchObject = async (id: string, path: string) => {
    if (cache.has(id) && !isDirectoryId(id)) {
      skipped++;
      return;
    }
    // Read into a constant first: `bytes += await …` would add to the total as it was before the
    // await, losing what other objects fetched meanwhile added.
    const size = await cache.addVerified(id, await storage.read(id), `${storage.url} (for ${path})`);
    bytes += size;
    transferred++;
  };
  // Manifests first (they say which files to fetch), verified like any object. The cache counts a
  // directory as present only when its manifest and every file are, so the manifest may come first.
  const manifests = unique.filter((root) => isDirectoryId(root.id));
  const entriesOf = new Map<string, ManifestEntry[]>();
  for (const failure of await pool(manifests, jobs, async (root) => {
    if (!existsSync(cache.objectPath(root.id))) await cache.addVerified(root.id, await storage.read(root.id), `${storage.url} (for ${root.path})`);
    entriesOf.set(root.id, cache.readManifest(root.id));
  })) {
    note(failure);
  }
  const files = uniqueById([
    ...unique.filter((root) => !isDirectoryId(root.id)).map((root) => ({ id: root.id, path: root.path })),
    ...manifests.flatMap((root) => (entriesOf.get(root.id) ?? []).map((entry) => ({ id: entry.hash, path: `${root.path}/${entry.path}` }))),
  ]);
  const sizes = new Map(manifests.flatMap((root) => (entriesOf.get(root.id) ?? []).map((entry) => [entry.hash, entry.size] as const)));
  const progress = { files: 0, totalFiles: files.length, bytes: 0, totalBytes: files.reduce((sum, file) => sum + (sizes.get(file.id) ?? 0), 0) };
  for (const failure of await pool(files, jobs, async (file) => {
    try {
      await fetchObject(file.id, file.path);
    } finally {
      progress.files++;
      progress.bytes += sizes.get(file.id) ?? 0;
      options.onProgress?.({ ...progress });
    }
  })) {
    note(failure);
  }
  return { transferred, skipped, bytes, problems, total: files.length + manifests.length, absent };
}

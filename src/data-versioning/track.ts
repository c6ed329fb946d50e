/**
 * `sluice data add|status|checkout`: put data under version control, see how the working copy
 * differs from the versions the pointers name, and restore those versions from the cache.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { untrackInGit } from '../core/index.js';
import { isDirectoryId, parseObjectId, type ObjectId } from '../cache/index.js';
import { ensureGitignoreEntries, gitignoreEntryFor, PIPELINE_FILE } from '../workspace/index.js';
import type { DataWorkspace } from './data-workspace.js';
import { loadPointers } from './data-workspace.js';
import { dataNotInCache, dataPathMissing, dataPathNotAllowed, dataUnsavedChanges } from './errors.js';
import { writePointer, type LocatedPointer } from './pointer.js';
import { readLockfile } from '../pipeline/index.js';

export interface AddedData {
  readonly target: string;
  readonly pointerFile: string;
  readonly hash: string;
  readonly size: number;
  readonly files: number;
  /** False when the pointer already named this content. */
  readonly changed: boolean;
  /** Git was tracking the data itself; it now tracks the pointer instead (`git rm --cached`). */
  readonly untracked: boolean;
}

/** A path given on the command line, relative to the root, with / separators. */
export function toWorkspacePath(root: string, path: string, cwd = process.cwd()): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const relativePath = relative(root, absolute);
  if (relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath)) throw dataPathNotAllowed({ path, reason: 'it is not inside the repository' });
  return relativePath.split(sep).join('/');
}

/** Refuses paths Sluice manages otherwise, or that would nest inside tracked data. */
async function checkTrackable(data: DataWorkspace, target: string): Promise<void> {
  const first = target.split('/')[0];
  if (first === '.sluice' || first === '.git') throw dataPathNotAllowed({ path: target, reason: `${first}/ belongs to ${first === '.git' ? 'git' : 'Sluice'}` });
  if (target.endsWith('.sluice')) throw dataPathNotAllowed({ path: target, reason: 'it is a pointer file' });
  if (existsSync(join(data.root, PIPELINE_FILE))) {
    const lock = readLockfile(join(data.root, 'sluice.lock'));
    for (const [stage, entry] of Object.entries(lock.stages)) {
      for (const out of entry.outs ?? []) {
        if (out.path === target || target.startsWith(`${out.path}/`) || out.path.startsWith(`${target}/`)) {
          throw dataPathNotAllowed({ path: target, reason: `it overlaps ${out.path}, an output of stage ${stage}, whose versions sluice.lock records` });
        }
      }
    }
  }
  // Unreadable pointers are skipped here: `data add` of their own data is how one is repaired.
  for (const pointer of await loadPointers(data.root, [], { skipUnreadable: true })) {
    if (pointer.target === target) continue;
    if (target.startsWith(`${pointer.target}/`) || pointer.target.startsWith(`${target}/`)) {
      throw dataPathNotAllowed({ path: target, reason: `it overlaps ${pointer.target}, which ${pointer.file} tracks` });
    }
  }
}

/** Stores each path in the cache, writes its pointer file and ignores the data in git. */
export async function addData(data: DataWorkspace, targets: readonly string[]): Promise<AddedData[]> {
  const added: AddedData[] = [];
  for (const target of targets) {
    if (!existsSync(join(data.root, target))) throw dataPathMissing({ path: target });
    await checkTrackable(data, target);
    const previous = (await loadPointers(data.root, [], { skipUnreadable: true })).find((pointer) => pointer.target === target);
    // The previous version may share its inode with this file: if it was written through, that object is damaged.
    if (previous) data.cache.discardWrittenThrough(previous.pointer.hash, join(data.root, target));
    const hashed = await data.hasher.hash(target);
    if (!hashed) throw dataPathMissing({ path: target });
    let files = 1;
    // No copy where the link order allows: a reflink, or a hardlink that makes the working file
    // the read-only cache object (as a pipeline out checked out by hardlink). Executables are not
    // hardlinked (the object is read-only, not executable). Each object is fsynced before the pointer names it.
    if (hashed.kind === 'file') {
      data.cache.addFile(join(data.root, target), hashed.id, { shared: hashed.mode === 0o644, durable: true });
      rememberShared(data, [{ path: target, id: hashed.id }]);
    } else {
      const snapshot = await hashed.snapshot();
      data.cache.addDirectory(join(data.root, target), snapshot, { shared: true, durable: true });
      rememberShared(data, snapshot.entries.map((entry) => ({ path: `${target}/${entry.path}`, id: entry.hash })));
      files = snapshot.entries.length;
    }
    const size = hashed.size;
    const pointerFile = writePointer(data.root, target, {
      hash: hashed.id,
      size,
      ...(hashed.kind === 'directory' ? { nfiles: files } : {}),
      ...(hashed.kind === 'file' && hashed.mode === 0o755 ? { isexec: true } : {}),
    });
    ensureGitignoreEntries(data.root, [gitignoreEntryFor(target)]);
    // The data goes to the cache and remotes now; git keeps only the pointer (DVC asks users to do this by hand).
    const untracked = await untrackInGit(data.root, target);
    added.push({ target, pointerFile, hash: hashed.id, size, files, changed: previous?.pointer.hash !== hashed.id, untracked });
  }
  return added;
}

/**
 * Files that are now their cache object (one inode) have a known hash even if they were written
 * a moment ago (too recently for the hasher to remember): the next status need not read them.
 */
function rememberShared(data: DataWorkspace, files: readonly { path: string; id: ObjectId }[]): void {
  for (const file of files) {
    const hex = parseObjectId(file.id)?.hex;
    const working = statSync(join(data.root, file.path), { throwIfNoEntry: false });
    const object = statSync(data.cache.objectPath(file.id), { throwIfNoEntry: false });
    if (hex && working && object && working.ino === object.ino && working.dev === object.dev) data.hasher.rememberCheckout(file.path, hex);
  }
}

/**
 * How a working copy compares with the version its pointer names: `modified` holds an edit no
 * version keeps; `not-checked-out` holds another version the cache keeps (a pointer moved by
 * `git pull` or `git checkout` before `sluice data checkout`), which a checkout replaces without
 * losing anything and which `sluice data add` must not record over the pointer's version.
 */
export type DataState = 'unchanged' | 'modified' | 'not-checked-out' | 'missing' | 'not-in-cache';

export interface DataStatus {
  readonly target: string;
  readonly pointerFile: string;
  /** How the working copy compares with the version the pointer names. */
  readonly state: DataState;
  readonly inCache: boolean;
  readonly hash: string;
  readonly workspaceHash: string | undefined;
}

/** How every tracked path (or those named) compares with its pointer. */
export async function dataStatus(data: DataWorkspace, targets: readonly string[] = []): Promise<DataStatus[]> {
  const statuses: DataStatus[] = [];
  for (const located of await loadPointers(data.root, targets)) {
    const hashed = await data.hasher.hash(located.target);
    if (hashed?.id !== located.pointer.hash) data.cache.discardWrittenThrough(located.pointer.hash, join(data.root, located.target));
    const inCache = data.cache.has(located.pointer.hash);
    const state: DataState = !hashed
      ? 'missing'
      : hashed.id !== located.pointer.hash
        ? data.cache.has(hashed.id)
          ? 'not-checked-out'
          : 'modified'
        : inCache
          ? 'unchanged'
          : 'not-in-cache';
    statuses.push({ target: located.target, pointerFile: located.file, state, inCache, hash: located.pointer.hash, workspaceHash: hashed?.id });
  }
  return statuses;
}

export interface CheckoutResult {
  readonly restored: readonly string[];
  readonly unchanged: readonly string[];
}

export interface CheckoutOptions {
  /** Replace working-copy changes that no version holds (default: refuse, naming them). */
  readonly force?: boolean;
}

/**
 * Whether replacing the working copy of a path would lose content: a file, or a file inside a
 * directory, whose bytes are not in the cache (so no version and no `data add` kept them).
 */
async function holdsUnsavedContent(data: DataWorkspace, hashed: NonNullable<Awaited<ReturnType<DataWorkspace['hasher']['hash']>>>): Promise<boolean> {
  if (hashed.kind === 'file') return !data.cache.has(hashed.id);
  return (await hashed.snapshot()).entries.some((entry) => !data.cache.has(entry.hash));
}

/**
 * Puts the versions the pointers name into the working copy, replacing what differs, except
 * changes that are saved nowhere (unless `force`). Everything restorable is restored before a
 * missing object or an unsaved change is reported.
 */
export async function checkoutData(data: DataWorkspace, targets: readonly string[] = [], pointers?: readonly LocatedPointer[], options: CheckoutOptions = {}): Promise<CheckoutResult> {
  const restored: string[] = [];
  const unchanged: string[] = [];
  const missing: string[] = [];
  const unsaved: string[] = [];
  for (const located of pointers ?? (await loadPointers(data.root, targets))) {
    const hashed = await data.hasher.hash(located.target);
    if (hashed?.id === located.pointer.hash) {
      unchanged.push(located.target);
      continue;
    }
    // A modified file that shares its inode with the object damaged it: never restore that.
    data.cache.discardWrittenThrough(located.pointer.hash, join(data.root, located.target));
    if (!data.cache.has(located.pointer.hash)) {
      missing.push(located.target);
      continue;
    }
    if (hashed && !options.force && (await holdsUnsavedContent(data, hashed))) {
      unsaved.push(located.target);
      continue;
    }
    const mode = located.pointer.isexec ? 0o755 : 0o644;
    data.cache.checkout(located.pointer.hash, join(data.root, located.target), { shared: false, mode });
    rememberCheckout(data, located);
    restored.push(located.target);
  }
  if (missing.length > 0) throw dataNotInCache({ paths: missing }, { details: { restored } });
  if (unsaved.length > 0) throw dataUnsavedChanges({ paths: unsaved }, { details: { restored } });
  return { restored, unchanged };
}

/** Checked-out files have known hashes: the next status need not read them. */
function rememberCheckout(data: DataWorkspace, located: LocatedPointer): void {
  const id = parseObjectId(located.pointer.hash);
  if (!id) return;
  if (!isDirectoryId(located.pointer.hash)) {
    data.hasher.rememberCheckout(located.target, id.hex);
    return;
  }
  for (const entry of data.cache.readManifest(located.pointer.hash)) {
    const file = parseObjectId(entry.hash);
    if (file) data.hasher.rememberCheckout(`${located.target}/${entry.path}`, file.hex);
  }
}

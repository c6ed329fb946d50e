/**
 * Data across git history: `sluice data diff` (what changed inside tracked data between two
 * revisions, or a revision and the working copy) and `sluice data gc` (drop cache objects that
 * no branch, tag, working copy or registered model needs).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listFilesAtRevision, readFileAtRevision, readHistoryBlobs, resolveRevision } from '../core/index.js';
import { isDirectoryId, type ManifestEntry } from '../cache/index.js';
import { parseLockfile, readLockfile } from '../pipeline/index.js';
import type { DataWorkspace } from './data-workspace.js';
import { loadPointers } from './data-workspace.js';
import { parsePointer, POINTER_SUFFIX } from './pointer.js';

/** A tracked path's version: its object id and, for directories, the manifest when known. */
interface Version {
  readonly id: string;
  readonly size: number;
}

async function versionsAtRevision(root: string, revision: string): Promise<Map<string, Version>> {
  const versions = new Map<string, Version>();
  for (const file of await listFilesAtRevision(root, revision, POINTER_SUFFIX)) {
    const text = await readFileAtRevision(root, revision, file);
    if (text === undefined) continue;
    const pointer = parsePointer(text, `${revision}:${file}`);
    const directory = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    versions.set(`${directory}${pointer.path}`, { id: pointer.hash, size: pointer.size });
  }
  return versions;
}

async function versionsInWorkspace(data: DataWorkspace): Promise<{ versions: Map<string, Version>; manifests: Map<string, ManifestEntry[]> }> {
  const versions = new Map<string, Version>();
  const manifests = new Map<string, ManifestEntry[]>();
  for (const located of await loadPointers(data.root)) {
    const hashed = await data.hasher.hash(located.target);
    if (!hashed) continue;
    versions.set(located.target, { id: hashed.id, size: hashed.size });
    if (hashed.kind === 'directory') manifests.set(hashed.id, [...(await hashed.snapshot()).entries]);
  }
  return { versions, manifests };
}

export interface DataChange {
  readonly path: string;
  readonly change: 'added' | 'deleted' | 'modified';
  readonly oldSize: number | undefined;
  readonly newSize: number | undefined;
}

export interface DataDiff {
  readonly from: string;
  readonly to: string;
  readonly changes: readonly DataChange[];
  /** Directories whose content could not be compared file by file (manifest not in the cache). */
  readonly unknown: readonly string[];
}

/** Changes from revision `from` (default HEAD) to revision `to` (default: the working copy). */
export async function diffData(data: DataWorkspace, from = 'HEAD', to?: string): Promise<DataDiff> {
  await resolveRevision(data.root, from);
  const old = await versionsAtRevision(data.root, from);
  let current: Map<string, Version>;
  let manifests = new Map<string, ManifestEntry[]>();
  if (to === undefined) ({ versions: current, manifests } = await versionsInWorkspace(data));
  else {
    await resolveRevision(data.root, to);
    current = await versionsAtRevision(data.root, to);
  }
  const manifestOf = (id: string): ManifestEntry[] | undefined => {
    if (manifests.has(id)) return manifests.get(id);
    try {
      return data.cache.readManifest(id);
    } catch {
      return undefined;
    }
  };
  const changes: DataChange[] = [];
  const unknown: string[] = [];
  const filesOf = (path: string, version: Version | undefined): Map<string, { id: string; size: number }> | undefined => {
    if (!version) return new Map();
    if (!isDirectoryId(version.id)) return new Map([[path, { id: version.id, size: version.size }]]);
    const entries = manifestOf(version.id);
    return entries ? new Map(entries.map((entry) => [`${path}/${entry.path}`, { id: entry.hash, size: entry.size }])) : undefined;
  };
  for (const path of [...new Set([...old.keys(), ...current.keys()])].sort()) {
    const before = old.get(path);
    const after = current.get(path);
    if (before?.id === after?.id) continue;
    const oldFiles = filesOf(path, before);
    const newFiles = filesOf(path, after);
    if (!oldFiles || !newFiles) {
      unknown.push(path);
      changes.push({ path, change: !before ? 'added' : !after ? 'deleted' : 'modified', oldSize: before?.size, newSize: after?.size });
      continue;
    }
    for (const file of [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort()) {
      const a = oldFiles.get(file);
      const b = newFiles.get(file);
      if (a?.id === b?.id) continue;
      changes.push({ path: file, change: !a ? 'added' : !b ? 'deleted' : 'modified', oldSize: a?.size, newSize: b?.size });
    }
  }
  return { from, to: to ?? 'workspace', changes, unknown };
}

export interface GarbageReport {
  /** Objects kept because something references them. */
  readonly kept: number;
  readonly removable: number;
  readonly removableBytes: number;
  /** Whether they were removed (false for a dry run). */
  readonly removed: boolean;
  /** Commits reachable from branches and tags whose pointers and sluice.lock were read. */
  readonly commits: number;
}

/** Root objects named by one committed version of a pointer file or sluice.lock. */
function rootsInBlob(blob: { path: string; text: string }): string[] {
  try {
    if (blob.path.endsWith(POINTER_SUFFIX)) return [parsePointer(blob.text, blob.path).hash];
    return Object.values(parseLockfile(blob.text).stages).flatMap((entry) => (entry.outs ?? []).map((out) => out.hash));
  } catch {
    // A file from another Sluice version (or hand-broken) that does not parse names nothing this one can keep.
    return [];
  }
}

/**
 * Removes cache objects nothing references: pointers and sluice.lock in the working copy and in
 * every commit reachable from a branch or tag, and registered model versions. A dry run (the default) only counts.
 */
export async function collectGarbage(data: DataWorkspace, options: { dryRun: boolean; projects?: readonly DataWorkspace[] }): Promise<GarbageReport> {
  const roots = new Set<string>();
  let commits = 0;
  // This checkout, and the others that share its cache (`--projects`): what any of them needs stays.
  for (const project of [data, ...(options.projects ?? [])]) {
    for (const located of await loadPointers(project.root)) roots.add(located.pointer.hash);
    for (const entry of Object.values(readLockfile(join(project.root, 'sluice.lock')).stages)) for (const out of entry.outs ?? []) roots.add(out.hash);
    const history = await readHistoryBlobs(project.root, { suffix: POINTER_SUFFIX, basename: 'sluice.lock' });
    for (const blob of history.blobs) for (const id of rootsInBlob(blob)) roots.add(id);
    commits += history.commits;
    const { openRegistryStore } = await import('../registry/index.js');
    for (const id of await openRegistryStore(project.store.connection).listObjectIds()) roots.add(id);
  }

  const keep = new Set<string>();
  for (const id of roots) {
    keep.add(id);
    if (!isDirectoryId(id)) continue;
    try {
      for (const entry of data.cache.readManifest(id)) keep.add(entry.hash);
    } catch {
      // Not in this cache: nothing of it to keep or remove here.
    }
  }
  const removable: { path: string; size: number }[] = [];
  let kept = 0;
  const base = join(data.cache.dir, 'blake3');
  let prefixes: string[] = [];
  try {
    prefixes = readdirSync(base);
  } catch {
    prefixes = [];
  }
  for (const prefix of prefixes) {
    for (const name of readdirSync(join(base, prefix))) {
      const id = `blake3:${prefix}${name}`;
      if (keep.has(id)) kept++;
      else {
        const path = join(base, prefix, name);
        removable.push({ path, size: statSync(path).size });
      }
    }
  }
  if (!options.dryRun) for (const object of removable) rmSync(object.path, { force: true });
  return { kept, removable: removable.length, removableBytes: removable.reduce((sum, object) => sum + object.size, 0), removed: !options.dryRun, commits };
}

/**
 * What data versioning works with: the workspace, its cache, a hasher backed by the stat cache
 * (so unchanged data costs a stat, not a read), and the pointers it tracks.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listWorkingFiles } from '../core/index.js';
import { ObjectCache, WorkspaceHasher } from '../cache/index.js';
import type { MetadataStore } from '../store/index.js';
import { initWorkspace, openWorkspaceCache, openWorkspaceStatCache, openWorkspaceStore, type Workspace } from '../workspace/index.js';
import { dataNotTracked } from './errors.js';
import { POINTER_SUFFIX, readPointer, type LocatedPointer } from './pointer.js';

export interface DataWorkspace {
  readonly workspace: Workspace;
  readonly root: string;
  readonly store: MetadataStore;
  readonly cache: ObjectCache;
  readonly hasher: WorkspaceHasher;
  /** Saves what the hasher learnt and releases the store. */
  close(): Promise<void>;
}

/**
 * Opens the data side of a workspace. `options.store`: a metadata store the caller has open
 * (`sluice ci`), used and left open; by default one is opened here and closed by `close()`.
 */
export async function openDataWorkspace(workspace: Workspace, options: { readonly store?: MetadataStore | undefined } = {}): Promise<DataWorkspace> {
  initWorkspace(workspace.root);
  const given = options.store;
  const store = given ?? (await openWorkspaceStore(workspace));
  const closeStore = async () => {
    if (!given) await store.close();
  };
  try {
    const statCache = await openWorkspaceStatCache(workspace);
    const cache = openWorkspaceCache(workspace);
    cache.cleanTemp();
    return {
      workspace,
      root: workspace.root,
      store,
      cache,
      hasher: new WorkspaceHasher(workspace.root, statCache),
      close: async () => {
        try {
          await statCache.flush();
        } finally {
          await closeStore();
        }
      },
    };
  } catch (error) {
    await closeStore();
    throw error;
  }
}

/** Directories never searched for pointers. */
const SKIPPED = new Set(['.git', '.sluice', 'node_modules']);

/** Every pointer file in the working copy: from git when the root is a repository, else by walking it. */
export async function findPointerFiles(root: string): Promise<string[]> {
  const listed = await listWorkingFiles(root, POINTER_SUFFIX);
  if (listed) return listed.filter((path) => !path.startsWith('.sluice/') && existsSync(join(root, path)));
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) walk(path);
      else if (entry.isFile() && entry.name.endsWith(POINTER_SUFFIX) && entry.name !== POINTER_SUFFIX) found.push(path);
    }
  };
  walk('');
  return found.sort();
}

/**
 * The pointers of the working copy, optionally only those for `targets` (data paths, pointer files
 * or folders holding tracked data); a target no pointer covers is SLUICE_DATA_NOT_TRACKED.
 */
export async function loadPointers(root: string, targets: readonly string[] = [], options: { readonly skipUnreadable?: boolean } = {}): Promise<LocatedPointer[]> {
  const files = await findPointerFiles(root);
  const wanted = targets.map((target) => target.replace(/\/+$/, '').replace(/^\.\//, ''));
  // With targets, only the pointers that may cover them are read: one broken pointer elsewhere (a
  // merge conflict) must not stop commands on other data. A pointer names its file's own data.
  const named = (file: string) => file.replace(/\.sluice$/, '');
  const relevant = wanted.length === 0 ? files : files.filter((file) => wanted.some((target) => named(file) === target || file === target || named(file).startsWith(`${target}/`) || target.startsWith(`${named(file)}/`)));
  const read = (list: readonly string[]) =>
    list.flatMap((file) => {
      try {
        return [readPointer(root, file)];
      } catch (error) {
        if (options.skipUnreadable) return [];
        throw error;
      }
    });
  let pointers = read(relevant);
  if (targets.length === 0) return pointers;
  const covers = (target: string, located: LocatedPointer) => located.target === target || located.file === target || located.target.startsWith(`${target}/`);
  // A pointer renamed apart from its data (`git mv a.csv.sluice b.csv.sluice`, path: a.csv) is found by reading them all.
  if (!wanted.every((target) => pointers.some((located) => covers(target, located)))) pointers = read(files);
  // A path no pointer covers is a mistake to report, not a command that quietly does nothing.
  for (const target of wanted) {
    if (pointers.some((located) => covers(target, located))) continue;
    const parent = pointers.find((located) => target.startsWith(`${located.target}/`));
    throw dataNotTracked({ path: target }, parent ? { hint: `It is inside the tracked directory ${parent.target}, which is tracked as a whole: name ${parent.target}.` } : {});
  }
  return pointers.filter((located) => wanted.some((target) => covers(target, located)));
}

/**
 * A scratch git repository opened as a data workspace in-process (no CLI): for unit tests of
 * src/data-versioning. Its metadata store is the workspace's own SQLite file, whatever
 * SLUICE_DATABASE_URL says, and everything lives in one temp directory.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDataWorkspace, type DataWorkspace } from '../../src/data-versioning/index.js';
import { openWorkspace } from '../../src/workspace/index.js';
import { scratchRepo, type ScratchRepo } from './cli.js';

export interface DataRepo {
  readonly repo: ScratchRepo;
  readonly root: string;
  /** The open data workspace; reopen() replaces it. */
  data: DataWorkspace;
  /**
   * Writes a new file at `path` (replacing any file there, as an editor saving by rename does):
   * added data may be a read-only hardlink to its cache object, which only root could write into.
   */
  write(path: string, content: string | Buffer): void;
  /** Writes into the existing file, through a hardlink to the cache if it is one (as root can). */
  writeInPlace(path: string, content: string | Buffer): void;
  read(path: string): Buffer;
  removePath(path: string): void;
  /** Empties the local object cache, as in a fresh clone. */
  emptyCache(): void;
  /** Closes and opens the workspace again (reads the config afresh). */
  reopen(): Promise<void>;
  /** Closes the workspace and removes the temp directory. */
  dispose(): Promise<void>;
}

/** A git repository with `files` committed, `.sluice/` initialised, opened as a data workspace. */
export async function openDataRepo(files: Readonly<Record<string, string>> = { 'README.md': 'data project\n' }): Promise<DataRepo> {
  const repo = scratchRepo(files);
  const open = () => openDataWorkspace(openWorkspace(repo.root, {}));
  let data: DataWorkspace;
  try {
    data = await open();
  } catch (error) {
    repo.remove();
    throw error;
  }
  const handle: DataRepo = {
    repo,
    root: repo.root,
    data,
    write: (path, content) => {
      mkdirSync(dirname(join(repo.root, path)), { recursive: true });
      rmSync(join(repo.root, path), { force: true });
      writeFileSync(join(repo.root, path), content);
    },
    writeInPlace: (path, content) => writeFileSync(join(repo.root, path), content),
    read: (path) => readFileSync(join(repo.root, path)),
    removePath: (path) => rmSync(join(repo.root, path), { recursive: true, force: true }),
    emptyCache: () => rmSync(handle.data.cache.dir, { recursive: true, force: true }),
    reopen: async () => {
      await handle.data.close();
      handle.data = await open();
    },
    dispose: async () => {
      try {
        await handle.data.close();
      } finally {
        repo.remove();
      }
    },
  };
  return handle;
}

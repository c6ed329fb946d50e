/**
 * The local content-addressed cache (`.sluice/cache/`).
 *
 * Layout: `blake3/<2 hex>/<62 hex>` for files, the same with `.dir` for directory manifests, and
 * `tmp/` for objects being written. An object appears under its name only by `rename` of a
 * complete file, and a directory's manifest only after all its files, so a process killed at
 * any moment leaves no partial object: at worst some files in `tmp/`, which {@link cleanTemp}
 * removes.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createStreamHasher, hashBytes, hashFileSync, isProcessAlive } from '../core/index.js';
import { open } from 'node:fs/promises';
import { manifestInvalid, objectCorrupt, objectMissing } from './errors.js';
import { Linker, type LinkOperations, type LinkType } from './link.js';
import { parseManifest, type ManifestEntry } from './manifest.js';
import { fileObjectId, parseObjectId, type ObjectId } from './object-id.js';

export interface ObjectCacheOptions {
  /** The cache directory, e.g. `<repo>/.sluice/cache`. */
  readonly dir: string;
  /** Link types in order of preference; `copy` is always the last resort. */
  readonly link: readonly LinkType[];
  /** Replaces the file-system calls behind linking (tests simulate a cache on another file system). */
  readonly linkOperations?: LinkOperations;
}

/** A directory ready to be stored: its id, its manifest's bytes and entries. */
export interface DirectorySnapshot {
  readonly id: ObjectId;
  readonly serialized: string;
  readonly entries: readonly ManifestEntry[];
}

export interface CheckoutOptions {
  /**
   * Whether the workspace copy may share storage with the cache (a hardlink). False for files
   * users edit or commit to git (metrics, `cache: false` outs, `persist` outs).
   */
  readonly shared: boolean;
}

export interface AddOptions extends CheckoutOptions {
  /**
   * fsync each new object (and the directory entry naming it) before returning, so a pointer
   * written afterwards never names an object a power cut could lose. Costs a flush per file.
   */
  readonly durable?: boolean;
}

/** Read-only, so an editor or script cannot silently change a hardlinked object. */
const OBJECT_MODE = 0o444;

export class ObjectCache {
  readonly dir: string;
  private readonly linker: Linker;

  constructor(options: ObjectCacheOptions) {
    this.dir = options.dir;
    this.linker = new Linker(options.link, options.linkOperations);
  }

  /** Where an object lives (whether or not it is there). */
  objectPath(id: ObjectId): string {
    const parsed = parseObjectId(id);
    if (!parsed) throw new Error(`malformed object id ${id}`);
    const name = parsed.hex.slice(2) + (parsed.isDirectory ? '.dir' : '');
    return join(this.dir, 'blake3', parsed.hex.slice(0, 2), name);
  }

  /** Whether the object is present; for a directory, its manifest and every file. */
  has(id: ObjectId): boolean {
    const path = this.objectPath(id);
    if (!existsSync(path)) return false;
    if (!parseObjectId(id)?.isDirectory) return true;
    try {
      return this.readManifest(id).every((entry) => existsSync(this.objectPath(entry.hash)));
    } catch (error) {
      // A manifest that names files outside its directory is no missing object: it is said so.
      if (manifestInvalid.is(error) && (error as { details?: { damaged?: boolean } }).details?.damaged !== true) throw error;
      return false;
    }
  }

  /** The entries of a stored directory. */
  readManifest(id: ObjectId): ManifestEntry[] {
    return parseManifest(readFileSync(this.objectPath(id), 'utf8'), id);
  }

  /**
   * Stores a workspace file under `id` (its content hash), by the first link type that works:
   * a reflink or, with `shared`, a hardlink costs no copy. A hardlink turns the workspace file
   * itself into the read-only object (as DVC's `hardlink` cache type does); it is linked, not
   * moved, so no instant exists at which the file is only in the cache's temp directory.
   * Across file systems (EXDEV) the file is copied.
   */
  addFile(source: string, id: ObjectId, options: AddOptions): LinkType | undefined {
    const target = this.objectPath(id);
    if (existsSync(target)) return undefined;
    const temp = this.tempPath();
    try {
      // A symlink is stored as the bytes it points to: a hardlink would link the symlink itself (the
      // object would change with its target), and the chmod after it would reach through to the target.
      const shared = options.shared && !lstatSync(source).isSymbolicLink();
      const type = this.linker.link(source, temp, { allowShared: shared, mode: OBJECT_MODE });
      if (type === 'hardlink') chmodSync(temp, OBJECT_MODE);
      if (options.durable) syncPath(temp);
      this.publish(temp, target, options.durable);
      return type;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /**
   * Stores bytes that arrive from elsewhere (a remote) under `id`, hashing them on the way: an
   * object whose bytes do not match its name is refused with `SLUICE_CACHE_OBJECT_CORRUPT` and
   * never enters the cache. Returns the number of bytes stored.
   */
  async addVerified(id: ObjectId, source: AsyncIterable<Uint8Array>, where: string): Promise<number> {
    const target = this.objectPath(id);
    const temp = this.tempPath();
    const hasher = createStreamHasher();
    let size = 0;
    try {
      let handle;
      try {
        handle = await open(temp, 'wx', OBJECT_MODE);
      } catch (error) {
        // Not read at all: a stream from storage would keep its file or socket open.
        (source as { destroy?: () => void }).destroy?.();
        throw error;
      }
      try {
        for await (const chunk of source) {
          hasher.update(chunk);
          size += chunk.byteLength;
          await handle.write(chunk);
        }
      } finally {
        await handle.close();
      }
      const actual = hasher.digest();
      if (actual !== parseObjectId(id)?.hex) throw objectCorrupt({ id, where, actual: `blake3:${actual}` });
      this.publish(temp, target);
      return size;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Stores a directory: every file first, then the manifest that makes it visible. */
  addDirectory(source: string, snapshot: DirectorySnapshot, options: AddOptions): void {
    for (const entry of snapshot.entries) {
      this.addFile(join(source, entry.path), entry.hash, { shared: options.shared && entry.mode === 0o644, durable: options.durable });
    }
    const target = this.objectPath(snapshot.id);
    if (existsSync(target)) return;
    const temp = this.tempPath();
    // The temp name is private to this process; it becomes visible only by the rename in publish().
    writeFileSync(temp, snapshot.serialized, { mode: OBJECT_MODE, flag: 'wx' });
    if (options.durable) syncPath(temp);
    this.publish(temp, target, options.durable);
  }

  /**
   * Recreates `destination` from the object `id`, replacing whatever is there. The new content
   * is assembled beside the destination and renamed into place.
   */
  checkout(id: ObjectId, destination: string, options: CheckoutOptions & { mode?: number }): void {
    const source = this.objectPath(id);
    if (!this.has(id)) throw objectMissing({ id, path: destination });
    mkdirSync(dirname(destination), { recursive: true });
    removeStaleCheckoutTemps(destination);
    const temp = `${destination}.sluice-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      if (parseObjectId(id)?.isDirectory) {
        mkdirSync(temp);
        for (const entry of this.readManifest(id)) {
          const path = join(temp, entry.path);
          mkdirSync(dirname(path), { recursive: true });
          this.linker.link(this.objectPath(entry.hash), path, { allowShared: options.shared && entry.mode === 0o644, mode: entry.mode });
        }
      } else {
        this.linker.link(source, temp, { allowShared: options.shared, mode: options.mode ?? 0o644 });
      }
      replacePath(temp, destination);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Turns a checked-out path back into private, writable files (for `persist` outs, which the
   * command updates in place): every hardlinked or read-only file is replaced by its own copy.
   */
  unprotect(path: string): void {
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(path);
    } catch {
      return;
    }
    const files = stats.isDirectory()
      ? readdirSync(path, { recursive: true, withFileTypes: true }).filter((dirent) => dirent.isFile()).map((dirent) => join(dirent.parentPath, dirent.name))
      : stats.isFile()
        ? [path]
        : [];
    for (const file of files) {
      const fileStats = statSync(file);
      if (fileStats.nlink <= 1 && (fileStats.mode & 0o200) !== 0) continue;
      const temp = `${file}.sluice-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      copyFileSync(file, temp);
      chmodSync(temp, (fileStats.mode & 0o111) !== 0 ? 0o755 : 0o644);
      renameSync(temp, file);
    }
  }

  /**
   * Detects objects damaged through a hardlink (root ignores the read-only mode, so an edit of a
   * checked-out file can reach the cache) and deletes them, so they are never restored again.
   * Only files sharing an inode with their object are rehashed. Returns the ids removed.
   */
  discardWrittenThrough(id: ObjectId, workspacePath: string): ObjectId[] {
    if (!existsSync(this.objectPath(id))) return [];
    const parsed = parseObjectId(id);
    const pairs = parsed?.isDirectory
      ? this.readManifest(id).map((entry) => ({ id: entry.hash, file: join(workspacePath, entry.path) }))
      : [{ id, file: workspacePath }];
    const damaged: ObjectId[] = [];
    for (const pair of pairs) {
      const object = this.objectPath(pair.id);
      const [objectStats, fileStats] = [statIfExists(object), statIfExists(pair.file)];
      if (!objectStats || !fileStats || objectStats.ino !== fileStats.ino || objectStats.dev !== fileStats.dev) continue;
      if (fileObjectId(hashFileSync(object)) === pair.id) continue;
      rmSync(object, { force: true });
      damaged.push(pair.id);
    }
    if (damaged.length > 0 && parsed?.isDirectory) rmSync(this.objectPath(id), { force: true });
    return damaged;
  }

  /** Removes temp files left by processes that are gone (killed mid-write). */
  cleanTemp(): void {
    const tempDir = join(this.dir, 'tmp');
    if (!existsSync(tempDir)) return;
    for (const name of readdirSync(tempDir)) {
      const pid = Number(name.split('-')[0]);
      if (!Number.isInteger(pid) || !isProcessAlive(pid)) rmSync(join(tempDir, name), { recursive: true, force: true });
    }
  }

  /**
   * Rehashes every object and reports those whose content no longer matches their name.
   * Used by tests after killing runs, and by `sluice cache verify`.
   */
  verify(): { checked: number; corrupt: { id: ObjectId; actual: string }[] } {
    const root = join(this.dir, 'blake3');
    const corrupt: { id: ObjectId; actual: string }[] = [];
    let checked = 0;
    if (!existsSync(root)) return { checked, corrupt };
    for (const prefix of readdirSync(root)) {
      for (const name of readdirSync(join(root, prefix))) {
        const isDirectory = name.endsWith('.dir');
        const hex = prefix + name.replace(/\.dir$/, '');
        const path = join(root, prefix, name);
        const actual = isDirectory ? hashBytes(readFileSync(path)) : hashFileSync(path);
        checked++;
        if (actual !== hex) corrupt.push({ id: `${fileObjectId(hex)}${isDirectory ? '.dir' : ''}`, actual });
      }
    }
    return { checked, corrupt };
  }

  private tempPath(): string {
    const tempDir = join(this.dir, 'tmp');
    mkdirSync(tempDir, { recursive: true });
    return join(tempDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private publish(temp: string, target: string, durable = false): void {
    const created = mkdirSync(dirname(target), { recursive: true });
    renameSync(temp, target);
    if (!durable) return;
    // The rename is durable once the directory holding the new name is; a new prefix directory needs its own entry synced too.
    syncPath(dirname(target));
    if (created !== undefined) syncPath(dirname(created));
  }
}

/** Puts `replacement` at `destination`, removing what was there (a file or a whole directory). */
function replacePath(replacement: string, destination: string): void {
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(destination);
  } catch {
    existing = undefined;
  }
  if (existing === undefined || (existing.isFile() && statSync(replacement).isFile())) {
    renameSync(replacement, destination);
    // rename() between two hardlinks of one inode succeeds without doing anything: drop the temp name.
    rmSync(replacement, { force: true });
    return;
  }
  // rename() cannot replace a directory or put a directory over a file: move the old one aside first.
  const old = `${replacement}.old`;
  renameSync(destination, old);
  renameSync(replacement, destination);
  rmSync(old, { recursive: true, force: true });
}

/** fsync a file or a directory (read-only descriptors suffice on Linux and macOS). */
function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function statIfExists(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A checkout's temporary sibling: `<name>.sluice-<pid>-<8 hex>.tmp`, and `.tmp.old` while it replaces a directory. */
const CHECKOUT_TEMP = /\.sluice-(\d+)-[0-9a-f]{8}\.tmp(?:\.old)?$/;

/** Directories this process has cleaned of checkout temps: only a killed process leaves them, so once is enough. */
const cleanedDirectories = new Set<string>();

/**
 * Removes the checkout temps a killed process left beside `destination` (whatever their path's
 * name). Each directory is read once per process, not at every checkout: restoring 200 outs of
 * one folder listed it 200 times.
 */
function removeStaleCheckoutTemps(destination: string): void {
  const directory = dirname(destination);
  if (cleanedDirectories.has(directory)) return;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  cleanedDirectories.add(directory);
  for (const name of names) {
    const pid = Number(CHECKOUT_TEMP.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) rmSync(join(directory, name), { recursive: true, force: true });
  }
}

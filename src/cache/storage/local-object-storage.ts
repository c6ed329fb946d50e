/**
 * Objects in a local directory, in the cache's layout (`blake3/ab/cdef…`). An object appears
 * only by rename of a complete temp file, so readers never see a partial object.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { systemErrorCode } from '../../core/index.js';
import type { ObjectId } from '../object-id.js';
import { storageObjectMissing, storageUnavailable } from './errors.js';
import { entryKeyProblem, objectIdOfKey, objectKey, type ObjectStorage } from './object-storage.js';

/** How old a temp file of the remote must be to be taken for a killed push's leftover. */
const STALE_TEMP_MS = 24 * 3_600_000;

export class LocalObjectStorage implements ObjectStorage {
  /** Directories known to exist: a push of 20,000 objects would otherwise ask 40,000 times. */
  private readonly madeDirs = new Set<string>();

  constructor(readonly dir: string) {}

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  get url(): string {
    return this.dir;
  }

  /** A place for temp files on the same file system, so they can be renamed into place. */
  get tempDir(): string {
    return join(this.dir, 'tmp');
  }

  /**
   * Removes temp files a push killed mid-copy left, once they are a day old. Their names carry a
   * pid, but the remote may be shared by machines whose processes this one cannot see; no copy
   * in progress goes a day without writing.
   */
  private async sweepStaleTemps(): Promise<void> {
    const names = await readdir(this.tempDir).catch(() => [] as string[]);
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of names) {
      const path = join(this.tempDir, name);
      const stats = await stat(path).catch(() => undefined);
      if (stats?.isFile() && stats.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => undefined);
    }
  }

  async has(id: ObjectId): Promise<boolean> {
    try {
      await stat(this.path(id));
      return true;
    } catch {
      return false;
    }
  }

  async putFile(id: ObjectId, path: string, options: { readonly move?: boolean } = {}): Promise<void> {
    const destination = this.path(id);
    try {
      await this.ensureDir(dirname(destination));
      if (options.move) {
        await rename(path, destination);
        return;
      }
      // Callers check has() first; a second writer of the same id renames identical content.
      if (!this.madeDirs.has(this.tempDir)) await this.sweepStaleTemps();
      await this.ensureDir(this.tempDir);
      const temp = join(this.tempDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
      try {
        await copyFile(path, temp);
        await rename(temp, destination);
      } catch (error) {
        // A copy cut short (a full disk, say) leaves nothing behind in the remote.
        await rm(temp, { force: true });
        throw error;
      }
    } catch (error) {
      throw storageUnavailable({ url: this.dir, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
  }

  async read(id: ObjectId): Promise<Readable> {
    const path = this.path(id);
    const stream = createReadStream(path);
    // Open eagerly so a missing object fails here, not in the middle of a response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(systemErrorCode(error) === 'ENOENT' ? storageObjectMissing({ id, url: this.dir }) : error));
    });
    return stream;
  }

  async delete(id: ObjectId): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  async *list(): AsyncIterable<ObjectId> {
    const root = join(this.dir, 'blake3');
    let prefixes: string[];
    try {
      prefixes = await readdir(root);
    } catch {
      return;
    }
    for (const prefix of prefixes) {
      for (const name of await readdir(join(root, prefix)).catch(() => [] as string[])) {
        const id = objectIdOfKey(`blake3/${prefix}/${name}`);
        if (id) yield id;
      }
    }
  }

  async putEntry(key: string, bytes: Uint8Array): Promise<void> {
    const destination = this.entryPath(key);
    if (await this.exists(destination)) return;
    await this.ensureDir(this.tempDir);
    const temp = join(this.tempDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await this.ensureDir(dirname(destination));
      await writeFile(temp, bytes);
      // A hard link fails when the name exists, which is put-if-absent; rename where links are not supported.
      await link(temp, destination).catch(async (error: unknown) => {
        if (systemErrorCode(error) === 'EEXIST') return;
        if (systemErrorCode(error) === 'EPERM' || systemErrorCode(error) === 'ENOTSUP') await rename(temp, destination);
        else throw error;
      });
    } catch (error) {
      throw storageUnavailable({ url: this.dir, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    } finally {
      await rm(temp, { force: true });
    }
  }

  async readEntry(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.entryPath(key));
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT') return undefined;
      throw storageUnavailable({ url: this.dir, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
  }

  async *listEntries(prefix: string): AsyncIterable<string> {
    const base = prefix.replace(/\/+$/, '');
    let names: string[];
    try {
      names = await readdir(this.entryPath(base), { recursive: true });
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const key = `${base}/${name.split(sep).join('/')}`;
      if (entryKeyProblem(key) === undefined && (await stat(this.entryPath(key))).isFile()) yield key;
    }
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  }

  private entryPath(key: string): string {
    const problem = entryKeyProblem(key);
    if (problem) throw new Error(`bad document key ${JSON.stringify(key)}: ${problem}`);
    return join(this.dir, ...key.replace(/\/+$/, '').split('/'));
  }

  private path(id: ObjectId): string {
    return join(this.dir, objectKey(id));
  }
}

/**
 * The artifact store: files logged by runs (and registered models), kept content-addressed.
 * An artifact path (`<experiment>/<run>/artifacts/model.onnx`) maps, in the metadata store, to a
 * BLAKE3 object in object storage (a local directory or S3). Writing the same bytes twice stores
 * them once; every read is checked against the hash; a path can never name a file outside the
 * store, because storage keys are hashes, not paths.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createStreamHasher, hashFile, KeyedSerializer } from '../../core/index.js';
import { LocalObjectStorage, type ObjectStorage } from '../../cache/index.js';
import { artifactNotFound, artifactTooLarge, unsafeArtifactPath } from '../errors.js';
import type { ArtifactEntry } from '../entities.js';
import type { ArtifactIndex, StoredArtifact } from '../store/tracking-store.js';
import { joinArtifactPath, normalizeArtifactPath } from './artifact-path.js';
import { downloadTree, storeDirectory, type Artifacts } from './artifact-tree.js';
import { verifyingStream } from './verifying-stream.js';

export interface ArtifactStoreOptions {
  readonly storage: ObjectStorage;
  readonly index: ArtifactIndex;
  /** Where uploads are spooled while hashed (local storage uses its own, for a cheap rename). */
  readonly tempDir: string;
  readonly clock?: () => number;
}

/** An upload larger than this is refused (override per call). */
export const DEFAULT_MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

export class ArtifactStore implements Artifacts {
  readonly storage: ObjectStorage;
  private readonly index: ArtifactIndex;
  private readonly tempDir: string;
  private readonly clock: () => number;
  /**
   * Writes and deletions of one object take turns: an upload that finds its bytes already stored
   * and indexes a new path to them must not interleave with a deletion that found no path using
   * them and removes them (the new path would name a missing object).
   */
  private readonly objects = new KeyedSerializer();

  constructor(options: ArtifactStoreOptions) {
    this.storage = options.storage;
    this.index = options.index;
    this.tempDir = options.storage instanceof LocalObjectStorage ? options.storage.tempDir : options.tempDir;
    this.clock = options.clock ?? Date.now;
  }

  /** Stores a stream's bytes at `path`, hashing them on the way to a temp file. */
  async write(path: string, source: Readable, options: { readonly maxBytes?: number } = {}): Promise<StoredArtifact> {
    const normalized = this.filePath(path);
    await this.assertFileSlot(normalized);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    await mkdir(this.tempDir, { recursive: true });
    const temp = join(this.tempDir, `upload-${process.pid}-${randomBytes(8).toString('hex')}`);
    const hasher = createStreamHasher();
    let size = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer | string>) {
          for await (const piece of chunks) {
            const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
            size += chunk.length;
            if (size > maxBytes) throw artifactTooLarge({ path: normalized, limit: maxBytes });
            hasher.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      return await this.commit(normalized, `blake3:${hasher.digest()}`, size, temp, true);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Stores a local file at `path`. */
  async writeFile(path: string, file: string): Promise<StoredArtifact> {
    const normalized = this.filePath(path);
    await this.assertFileSlot(normalized);
    const { size } = await stat(file);
    return this.commit(normalized, `blake3:${await hashFile(file, size)}`, size, file, false);
  }

  /**
   * Stores every file under a local directory below `prefix`. Symlinks are followed only when
   * they stay inside the directory: a link to `/etc/passwd` must not leak into an artifact.
   */
  async writeDirectory(prefix: string, directory: string): Promise<StoredArtifact[]> {
    return storeDirectory(prefix, directory, (path, file) => this.writeFile(path, file));
  }

  /** The artifact at a file path, or undefined. */
  async stat(path: string): Promise<StoredArtifact | undefined> {
    return this.index.getArtifact(normalizeArtifactPath(path));
  }

  /** The artifact's bytes, checked against its hash as they are read. */
  async open(path: string): Promise<{ artifact: StoredArtifact; stream: Readable }> {
    const normalized = normalizeArtifactPath(path);
    const artifact = await this.index.getArtifact(normalized);
    if (!artifact) throw artifactNotFound({ path: normalized });
    const raw = await this.storage.read(artifact.objectId);
    const checked = verifyingStream(artifact.objectId, normalized);
    raw.on('error', (error) => checked.destroy(error));
    return { artifact, stream: raw.pipe(checked) };
  }

  /** The direct children of a directory path ('' for the root). */
  async list(path: string): Promise<ArtifactEntry[]> {
    return this.index.listArtifacts(normalizeArtifactPath(path));
  }

  /**
   * Copies a file or directory artifact to a local destination, each file verified and renamed
   * into place. Returns the files written. Refuses to write through a symlink leading out of
   * `destination`.
   */
  async download(path: string, destination: string): Promise<string[]> {
    return downloadTree({ stat: (file) => this.index.getArtifact(file), list: (directory) => this.index.listArtifacts(directory), read: (artifact) => this.storage.read(artifact.objectId) }, path, destination);
  }

  /** The bytes of an object by its id (the path is what a remote store would find it by). */
  async readObject(objectId: string, _path: string): Promise<Readable> {
    return this.storage.read(objectId);
  }

  /** Deletes a file or a directory of artifacts; objects no path uses any more are removed. Returns how many paths went. */
  async delete(path: string): Promise<number> {
    const normalized = normalizeArtifactPath(path);
    // The root is every run's artifacts: a delete names a run's file or folder.
    if (normalized === '') throw unsafeArtifactPath({ path, reason: 'it names no file or folder (the root holds every run\'s artifacts)' });
    const objects = new Set<string>();
    const collect = async (directory: string): Promise<void> => {
      for (const entry of await this.index.listArtifacts(directory)) {
        const child = joinArtifactPath(directory, entry.path);
        if (entry.isDir) await collect(child);
        else {
          const artifact = await this.index.getArtifact(child);
          if (artifact) objects.add(artifact.objectId);
        }
      }
    };
    const single = await this.index.getArtifact(normalized);
    if (single) objects.add(single.objectId);
    else await collect(normalized);
    const removed = await this.index.deleteArtifacts(normalized);
    for (const objectId of objects) {
      await this.objects.run(objectId, async () => {
        if ((await this.index.findArtifactsByObject(objectId)).length === 0) await this.storage.delete(objectId);
      });
    }
    return removed;
  }

  /**
   * A path can hold a file only where no file is one of its folders and no artifacts sit below it:
   * otherwise one path would be a file and a folder at once, and listings would contradict each
   * other (MLflow's file store cannot get into that state either).
   */
  private async assertFileSlot(path: string): Promise<void> {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (await this.index.getArtifact(folder)) throw unsafeArtifactPath({ path, reason: `"${folder}" is a file, so it cannot be a folder of other artifacts` });
    }
    if ((await this.index.listArtifacts(path)).length > 0) throw unsafeArtifactPath({ path, reason: 'artifacts are stored under it, so it is a folder, not a file' });
  }

  private filePath(path: string): string {
    const normalized = normalizeArtifactPath(path);
    if (normalized === '') throw unsafeArtifactPath({ path, reason: 'it names no file' });
    return normalized;
  }

  private async commit(path: string, objectId: string, size: number, file: string, move: boolean): Promise<StoredArtifact> {
    return this.objects.run(objectId, async () => {
      if (!(await this.storage.has(objectId))) await this.storage.putFile(objectId, file, { size, move });
      const artifact = { path, objectId, size, createdAt: this.clock() };
      await this.index.putArtifact(artifact);
      return artifact;
    });
  }
}

/**
 * What every artifact store does the same way, whoever keeps the files (this machine's store or
 * a team server's): the interface its users see, storing a local directory file by file (no
 * symlink leading out of it), and copying a file or directory artifact to a local destination,
 * each file verified against its hash and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactNotFound, unsafeArtifactPath } from '../errors.js';
import type { ArtifactEntry } from '../entities.js';
import type { StoredArtifact } from '../store/tracking-store.js';
import { joinArtifactPath, normalizeArtifactPath } from './artifact-path.js';
import { verifyingStream } from './verifying-stream.js';

/**
 * The artifact store as commands, the registry and the server use it: files at paths, kept by
 * content hash, every read verified. {@link ArtifactStore} keeps them here; a team server's
 * client (remote/) keeps them on the server.
 */
export interface Artifacts {
  /** Stores a stream's bytes at `path`. */
  write(path: string, source: Readable, options?: { readonly maxBytes?: number }): Promise<StoredArtifact>;
  /** Stores a local file at `path`. */
  writeFile(path: string, file: string): Promise<StoredArtifact>;
  /** Stores every file under a local directory below `prefix`. */
  writeDirectory(prefix: string, directory: string): Promise<StoredArtifact[]>;
  /** The artifact at a file path, or undefined. */
  stat(path: string): Promise<StoredArtifact | undefined>;
  /** The artifact's bytes, checked against its hash as they are read. */
  open(path: string): Promise<{ artifact: StoredArtifact; stream: Readable }>;
  /** The direct children of a directory path ('' for the root). */
  list(path: string): Promise<ArtifactEntry[]>;
  /** Copies a file or directory artifact to a local destination; returns the files written. */
  download(path: string, destination: string): Promise<string[]>;
  /** Deletes a file or a directory of artifacts; returns how many paths went. */
  delete(path: string): Promise<number>;
  /** The bytes of object `objectId`, kept at `path` (unverified: the caller checks them against the id). */
  readObject(objectId: string, path: string): Promise<Readable>;
}

/** Stores each file under `directory` with `writeFile`; a symlink may not lead out of it. */
export async function storeDirectory(prefix: string, directory: string, writeFile: (path: string, file: string) => Promise<StoredArtifact>): Promise<StoredArtifact[]> {
  const root = await realpath(directory);
  const stored: StoredArtifact[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      let target = full;
      if (entry.isSymbolicLink()) {
        target = await realpath(full);
        if (target !== root && !target.startsWith(root + sep)) {
          throw unsafeArtifactPath({ path: relative(root, full), reason: `it is a symbolic link to ${target}, outside ${directory}` });
        }
      }
      const info = await stat(target);
      if (info.isDirectory()) await walk(full);
      else if (info.isFile()) stored.push(await writeFile(joinArtifactPath(normalizeArtifactPath(prefix), relative(root, full).split(sep).join('/')), target));
    }
  };
  await walk(root);
  return stored;
}

/** How {@link downloadTree} reads a store. */
export interface TreeSource {
  stat(path: string): Promise<StoredArtifact | undefined>;
  list(path: string): Promise<ArtifactEntry[]>;
  /** The raw bytes of a file artifact. */
  read(artifact: StoredArtifact): Promise<Readable>;
}

/**
 * Copies a file or directory artifact to `destination`, each file verified and renamed into
 * place; refuses to write through a symlink leading out of `destination`.
 */
export async function downloadTree(source: TreeSource, path: string, destination: string): Promise<string[]> {
  const normalized = normalizeArtifactPath(path);
  const single = await source.stat(normalized);
  if (single) {
    await downloadFile(source, single, resolve(destination));
    return [resolve(destination)];
  }
  const written: string[] = [];
  const walk = async (directory: string, into: string): Promise<void> => {
    for (const entry of await source.list(directory)) {
      const child = joinArtifactPath(directory, entry.path);
      const target = join(into, entry.path);
      if (entry.isDir) await walk(child, target);
      else {
        const artifact = await source.stat(child);
        if (artifact) {
          await assertInside(resolve(destination), target);
          await downloadFile(source, artifact, target);
          written.push(target);
        }
      }
    }
  };
  await walk(normalized, resolve(destination));
  if (written.length === 0) throw artifactNotFound({ path: normalized });
  return written;
}

async function downloadFile(source: TreeSource, artifact: StoredArtifact, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.sluice-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await pipeline(await source.read(artifact), verifyingStream(artifact.objectId, artifact.path), createWriteStream(temp));
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Fails if any existing part of `target` below `root` is a symlink leading out of `root`. */
async function assertInside(root: string, target: string): Promise<void> {
  let current = dirname(target);
  while (current.startsWith(root) && current !== root) {
    try {
      if ((await lstat(current)).isSymbolicLink()) {
        const real = await realpath(current);
        if (real !== root && !real.startsWith(root + sep)) throw unsafeArtifactPath({ path: relative(root, target), reason: `${current} is a symbolic link out of ${root}` });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    current = dirname(current);
  }
}

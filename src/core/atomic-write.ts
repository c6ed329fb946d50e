/**
 * Atomic file writes: a reader (or a process started after a SIGKILL) sees either the old
 * content or the new one, never half of it.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemErrorCode } from './app-error.js';
import { fileNotWritable } from './errors.js';

/** A temp name beside `path`, so that the final rename stays on one file system. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to a temp file beside `path`, flushes it to disk, then renames it over `path`.
 * `fsync` before the rename keeps the file whole even across a power cut, not only a crash.
 * `durable: false` skips the fsync for files whose loss or damage in a power cut costs only
 * work redone (a cache entry whose reader treats an unreadable file as absent): a process that is
 * killed still leaves the old content or the new, since the kernel keeps what was written.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, options: { readonly durable?: boolean } = {}): void {
  try {
    writeThenRename(path, data, mode, options.durable !== false);
  } catch (error) {
    const reason = UNWRITABLE[systemErrorCode(error) ?? ''];
    if (reason === undefined) throw error;
    throw fileNotWritable({ path, reason }, { cause: error });
  }
}

/**
 * Fails now, with the error {@link writeFileAtomic} would give later, when `path` cannot become a
 * file: it is a folder, a folder on its way is a file, or the nearest existing folder is not
 * writable. For commands that write their output after minutes of work (`sluice ci --json`).
 */
export function assertWritableFilePath(path: string): void {
  const problem = filePathProblem(path);
  if (problem !== undefined) throw fileNotWritable({ path, reason: UNWRITABLE[problem] ?? problem });
}

/** As {@link assertWritableFilePath}, for a folder files will be written in (`--plots DIR`). */
export function assertWritableFolderPath(path: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw fileNotWritable({ path, reason: UNWRITABLE[systemErrorCode(error) ?? 'EACCES'] ?? 'permission denied' });
  }
  if (stats !== undefined && !stats.isDirectory()) throw fileNotWritable({ path, reason: 'it is a file, not a folder' });
  // A file in it faces what the folder itself does: a file on its way, or no write permission.
  const problem = filePathProblem(join(path, 'file'));
  if (problem !== undefined) throw fileNotWritable({ path, reason: UNWRITABLE[problem] ?? problem });
}

function filePathProblem(path: string): string | undefined {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a file where a folder of the path should be.
    return systemErrorCode(error) ?? 'EACCES';
  }
  if (stats?.isDirectory()) return 'EISDIR';
  let folder = dirname(path);
  for (;;) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(folder, { throwIfNoEntry: false });
    } catch (error) {
      return systemErrorCode(error) ?? 'EACCES';
    }
    if (found !== undefined) {
      if (!found.isDirectory()) return 'ENOTDIR';
      try {
        accessSync(folder, constants.W_OK);
      } catch {
        return 'EACCES';
      }
      return undefined;
    }
    if (dirname(folder) === folder) return undefined;
    folder = dirname(folder);
  }
}

/** What the file system said, for the errors a user's choice of path (or a full disk) causes. */
const UNWRITABLE: Readonly<Record<string, string>> = {
  EISDIR: 'it is a directory',
  // rename(2) onto a mount point or the current directory (`.`).
  EBUSY: 'it is a directory in use (a mount point or the current folder)',
  ENOTDIR: 'a folder on its path is a file',
  EEXIST: 'a folder on its path is a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
  // A folder that exists but holds no files of ours (/proc, a path whose folder vanished meanwhile).
  ENOENT: 'its folder does not accept new files',
};

function writeThenRename(path: string, data: string | Uint8Array, mode: number, durable: boolean): void {
  // An output asked for in a folder that does not exist yet (`--report reports/drift.html`).
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathBeside(path);
  const fd = openSync(temp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

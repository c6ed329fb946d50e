/**
 * The stat cache on disk: small tab-separated files under `.sluice/tmp/stat-cache/`, one for the
 * directory fingerprints, one per hashed directory for its files' entries, and one for files
 * outside any hashed directory. A warm `sluice status` reads only the first (a few lines), so an
 * unchanged 20,000-file dataset costs no cache reading at all and no database is opened.
 *
 * Hand-written rather than SQLite or JSON: opening the metadata store (Kysely, better-sqlite3,
 * migrations) was most of a warm status, and a line format is parsed with two `split`s. The cache
 * is local to a checkout by nature (inodes and mtimes), so it lives beside it, not in a shared store.
 *
 * Layout of a file (UTF-8, `\n`-terminated lines, fields separated by tabs):
 *
 *     sluice-stat-cache  1  files|directories  <workspace key>  <group path>
 *     <entry>...
 *     end  <number of entries>
 *
 * A file entry is `inode size mtimeMs hash path` (path relative to the group's directory), a
 * directory entry `fingerprint objectId size fileCount path`. Paths come last, with `%`, tab, CR
 * and LF percent-escaped. A file whose header names another workspace or group, or that does not
 * end with its `end` line (torn by a crash: writes skip fsync, a cache can be rebuilt), or that
 * has any malformed line, is ignored whole: the cache is then rebuilt by hashing.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashBytes, systemErrorCode, tempPathBeside } from '../core/index.js';

/**
 * A remembered file hash, valid while the file's inode, size and mtime stay the same. The mtime is
 * Node's `mtimeMs`, a double with sub-microsecond resolution: what one plain `stat` gives, so a
 * directory walk needs no second (BigInt) stat per file. Two different mtimes closer than that
 * would have to be set on purpose; a file modified after it was hashed has a later mtime (and
 * files modified while being hashed are never remembered, see the racy rule). The inode is a
 * plain number too: exact below 2^53, which covers the file systems Sluice runs on.
 */
export interface StatCacheEntry {
  /** Root-relative, posix separators. */
  readonly path: string;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** BLAKE3 hex of the content. */
  readonly hash: string;
}

/** A hashed directory, valid while the fingerprint of its files' stats is unchanged. */
export interface DirectoryCacheEntry {
  readonly path: string;
  /** BLAKE3 of every file's relative path, inode, size, mtime and mode. */
  readonly fingerprint: string;
  readonly objectId: string;
  readonly size: number;
  readonly fileCount: number;
}

/** The group of files that are not under a hashed directory (single-file deps and outs). */
export const LOOSE_GROUP = '';

/** Where a stat cache keeps its entries. Reads return [] for anything missing or unreadable. */
export interface StatCachePersistence {
  readDirectories(): DirectoryCacheEntry[];
  /** The file entries of a group: a directory path (entries under it), or {@link LOOSE_GROUP}. */
  readFiles(group: string): StatCacheEntry[];
  /** Replaces the directory entries (atomically: readers see the old file or the new one). */
  writeDirectories(entries: readonly DirectoryCacheEntry[]): void;
  /** Replaces a group's file entries (atomically). */
  writeFiles(group: string, entries: readonly StatCacheEntry[]): void;
}

const MAGIC = 'sluice-stat-cache';
const VERSION = '1';
const HEX64 = /^[0-9a-f]{64}$/;
const DIGITS = /^\d+$/;
/** A non-negative double as `String(number)` writes it. */
const MILLISECONDS = /^\d+(\.\d+)?(e[+-]?\d+)?$/;

type Kind = 'files' | 'directories';

/** The stat cache of one workspace, as files in `dir`. */
export function statCacheDirectory(dir: string, workspace: string): StatCachePersistence {
  const directoriesFile = join(dir, 'directories.tsv');
  const groupFile = (group: string) => join(dir, group === LOOSE_GROUP ? 'files.tsv' : `files-${hashBytes(group).slice(0, 32)}.tsv`);
  return {
    readDirectories: () => parseStatCacheFile(readIfPresent(directoriesFile), 'directories', workspace, LOOSE_GROUP)?.map(toDirectoryEntry) ?? [],
    readFiles: (group) => parseStatCacheFile(readIfPresent(groupFile(group)), 'files', workspace, group)?.map((fields) => toFileEntry(fields, group)) ?? [],
    writeDirectories: (entries) => {
      const rows = entries.map((entry) => [entry.fingerprint, entry.objectId, String(entry.size), String(entry.fileCount), entry.path]);
      writeReplacing(dir, directoriesFile, formatStatCacheFile('directories', workspace, LOOSE_GROUP, rows));
    },
    writeFiles: (group, entries) => {
      const offset = group === LOOSE_GROUP ? 0 : group.length + 1;
      const rows = entries.map((entry) => [String(entry.ino), String(entry.size), String(entry.mtimeMs), entry.hash, entry.path.slice(offset)]);
      writeReplacing(dir, groupFile(group), formatStatCacheFile('files', workspace, group, rows));
    },
  };
}

/** Serialises entries (each a row of fields, the path last). */
export function formatStatCacheFile(kind: Kind, workspace: string, group: string, rows: readonly (readonly string[])[]): string {
  const lines = [`${MAGIC}\t${VERSION}\t${kind}\t${escapeField(workspace)}\t${escapeField(group)}`];
  for (const row of rows) lines.push(row.map((field, index) => (index === row.length - 1 ? escapeField(field) : field)).join('\t'));
  lines.push(`end\t${rows.length}`, '');
  return lines.join('\n');
}

/**
 * The rows of a stat-cache file, or undefined when it is absent, of another workspace or group,
 * truncated or malformed (then it is as if there were no cache).
 */
export function parseStatCacheFile(text: string | undefined, kind: Kind, workspace: string, group: string): string[][] | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  // A complete file ends with `end\t<count>\n`, so its last element is empty.
  if (lines.length < 3 || lines.pop() !== '') return undefined;
  const header = lines[0]!.split('\t');
  if (header.length !== 5 || header[0] !== MAGIC || header[1] !== VERSION || header[2] !== kind) return undefined;
  if (unescapeField(header[3]!) !== workspace || unescapeField(header[4]!) !== group) return undefined;
  const trailer = lines.pop()!.split('\t');
  if (trailer.length !== 2 || trailer[0] !== 'end' || trailer[1] !== String(lines.length - 1)) return undefined;
  const rows: string[][] = [];
  for (let index = 1; index < lines.length; index++) {
    const fields = lines[index]!.split('\t');
    if (!validRow(kind, fields)) return undefined;
    fields[4] = unescapeField(fields[4]!);
    rows.push(fields);
  }
  return rows;
}

function validRow(kind: Kind, fields: readonly string[]): boolean {
  if (fields.length !== 5 || fields[4] === '') return false;
  const [first, second, third, fourth] = fields as [string, string, string, string];
  return kind === 'files'
    ? DIGITS.test(first) && DIGITS.test(second) && MILLISECONDS.test(third) && HEX64.test(fourth)
    : HEX64.test(first) && second !== '' && DIGITS.test(third) && DIGITS.test(fourth);
}

function toFileEntry(fields: readonly string[], group: string): StatCacheEntry {
  const relative = fields[4]!;
  return { path: group === LOOSE_GROUP ? relative : `${group}/${relative}`, ino: Number(fields[0]), size: Number(fields[1]), mtimeMs: Number(fields[2]), hash: fields[3]! };
}

function toDirectoryEntry(fields: readonly string[]): DirectoryCacheEntry {
  return { fingerprint: fields[0]!, objectId: fields[1]!, size: Number(fields[2]), fileCount: Number(fields[3]), path: fields[4]! };
}

/** Percent-escapes what would break a line or a field (and `%` itself, so unescaping is exact). */
function escapeField(value: string): string {
  return /[%\t\n\r]/.test(value) ? value.replace(/[%\t\n\r]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`) : value;
}

function unescapeField(value: string): string {
  return value.includes('%') ? value.replace(/%(25|09|0A|0D)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : value;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Temp file and rename, so a reader never sees half a file. No fsync: after a power cut a torn
 * or empty file fails its `end` line and is ignored, which costs one rehash, not correctness.
 */
function writeReplacing(dir: string, path: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const temp = tempPathBeside(path);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Sluice itself, as the image installs it. Sluice is not published to npm, so the package puts a
 * tarball of the running Sluice in the build context, made by `npm pack` in Sluice's own root
 * (with the same `files` list a publish would use).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sluiceNotPackable } from './errors.js';

const run = promisify(execFile);

/** The one file the `sluice` binary needs: without it the installed command only says "not built". */
const BUNDLE_ENTRY = join('dist', 'bundle', 'sluice.js');

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * The directory holding Sluice's package.json, found by walking up from this module: it runs
 * from dist/src/deploy/package/ after tsc, and from dist/bundle/ (or a chunk below it) in the
 * bundled CLI.
 */
export function findSluiceRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest)?.name === 'sluice') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw sluiceNotPackable({ root: dirname(fileURLToPath(from)), reason: 'no package.json of Sluice above this module' });
    dir = parent;
  }
}

/** The version in Sluice's package.json. */
export function readSluiceVersion(root: string): string {
  const version = readManifest(join(root, 'package.json'))?.version;
  if (typeof version !== 'string' || !version) throw sluiceNotPackable({ root, reason: 'its package.json has no version' });
  return version;
}

/** What {@link packSluice} returns: the tarball's file name in the destination and Sluice's unpacked size. */
export interface PackedSluice {
  readonly filename: string;
  readonly unpackedBytes: number;
}

/**
 * Puts a tarball of the Sluice at `root` into `destination`. `npm pack` takes seconds (it lists,
 * tars and gzips a few thousand files), and its result depends only on the files it packs, so the
 * tarball is kept in the user's cache (see {@link packCache}) under a fingerprint of those files
 * (path, size, modification time, and package.json's text) and copied from there while Sluice is
 * unchanged. When the cache cannot be written, npm packs straight into the destination.
 */
export async function packSluice(root: string, destination: string, cacheDir: string | undefined = packCache()): Promise<PackedSluice> {
  if (!existsSync(join(root, BUNDLE_ENTRY))) throw sluiceNotPackable({ root, reason: `${BUNDLE_ENTRY} is missing, so Sluice is not built` });
  if (cacheDir === undefined) return npmPack(root, destination);
  const entry = join(cacheDir, packFingerprint(root));
  const cached = readCachedPack(entry);
  if (cached) {
    await copyFile(join(entry, cached.filename), join(destination, cached.filename));
    return cached;
  }
  let staging: string;
  try {
    mkdirSync(cacheDir, { recursive: true });
    staging = mkdtempSync(join(cacheDir, '.staging-'));
  } catch {
    return npmPack(root, destination); // the cache cannot be written here: pack without it
  }
  try {
    const packed = await npmPack(root, staging);
    await copyFile(join(staging, packed.filename), join(destination, packed.filename));
    try {
      writeFileSync(join(staging, CACHE_RECORD), JSON.stringify(packed));
      renameSync(staging, entry); // atomic: a reader sees a whole entry or none
      pruneCache(cacheDir, entry);
    } catch {
      // Another `sluice package` stored the same entry first, or the cache is full: the tarball is in place either way.
    }
    return packed;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const CACHE_RECORD = 'pack.json';
/** Tarballs kept: a few builds' worth (each is a few MB); older ones are removed. */
const CACHE_ENTRIES = 3;

/** `$XDG_CACHE_HOME/sluice/pack`, else `~/.cache/sluice/pack`; undefined without a home directory. */
export function packCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_CACHE_HOME?.startsWith('/')) return join(env.XDG_CACHE_HOME, 'sluice', 'pack');
  const home = env.HOME || homedir();
  return home ? join(home, '.cache', 'sluice', 'pack') : undefined;
}

/** A digest of everything `npm pack` would read: package.json's text, and each packed file's path, size and mtime. */
export function packFingerprint(root: string): string {
  const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
  const hash = createHash('sha256').update(manifestText);
  const files = (JSON.parse(manifestText) as { files?: unknown }).files;
  for (const top of Array.isArray(files) ? files.filter((file): file is string => typeof file === 'string').sort() : []) {
    const walk = (relativePath: string): void => {
      const path = join(root, relativePath);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) return;
      if (stat.isDirectory()) {
        for (const name of readdirSync(path).sort()) walk(join(relativePath, name));
        return;
      }
      hash.update(`${relativePath}\0${stat.size}\0${stat.mtimeMs}\0`);
    };
    walk(top);
  }
  return hash.digest('hex').slice(0, 32);
}

function readCachedPack(entry: string): PackedSluice | undefined {
  try {
    const record = JSON.parse(readFileSync(join(entry, CACHE_RECORD), 'utf8')) as Partial<PackedSluice>;
    if (typeof record.filename !== 'string' || typeof record.unpackedBytes !== 'number') return undefined;
    return existsSync(join(entry, record.filename)) ? { filename: record.filename, unpackedBytes: record.unpackedBytes } : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the newest {@link CACHE_ENTRIES} entries (and `keep`); removes the rest and stale staging directories. */
function pruneCache(cacheDir: string, keep: string): void {
  const entries = readdirSync(cacheDir)
    .map((name) => ({ path: join(cacheDir, name), mtimeMs: statSync(join(cacheDir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0, staging: name.startsWith('.staging-') }))
    .filter((entry) => entry.path !== keep)
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  const hourAgo = Date.now() - 3_600_000;
  const finished = entries.filter((entry) => !entry.staging);
  for (const entry of [...finished.slice(CACHE_ENTRIES - 1), ...entries.filter((entry) => entry.staging && entry.mtimeMs < hourAgo)]) {
    rmSync(entry.path, { recursive: true, force: true });
  }
}

/** Runs `npm pack` in `root`, writing the tarball into `destination`; returns the tarball's file name and unpacked size. */
async function npmPack(root: string, destination: string): Promise<PackedSluice> {
  let stdout: string;
  try {
    // --ignore-scripts: `prepare` would rebuild Sluice, which is built already and may not have its dev tools here.
    ({ stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      timeout: 300_000,
    }));
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    const reason = failure.code === 'ENOENT' ? 'npm is not on PATH' : (failure.stderr?.trim().split('\n').at(-1) ?? failure.message);
    throw sluiceNotPackable({ root, reason: `npm pack failed: ${reason}` }, { cause: error });
  }
  try {
    const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename?: unknown; unpackedSize?: unknown }[];
    const filename = packed[0]?.filename;
    if (typeof filename !== 'string' || !existsSync(join(destination, filename))) throw new Error('no tarball');
    const unpacked = packed[0]?.unpackedSize;
    return { filename, unpackedBytes: typeof unpacked === 'number' ? unpacked : 0 };
  } catch (error) {
    throw sluiceNotPackable({ root, reason: 'npm pack did not report the tarball it wrote' }, { cause: error });
  }
}

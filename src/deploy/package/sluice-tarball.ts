/**
 * Sluice itself, as the image installs it. Sluice is not published to npm, so the package puts a
 * tarball of the running Sluice in the build context, made by `npm pack` in Sluice's own root
 * (with the same `files` list a publish would use).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** Runs `npm pack` in `root`, writing the tarball into `destination`; returns the tarball's file name and unpacked size. */
export async function packSluice(root: string, destination: string): Promise<{ filename: string; unpackedBytes: number }> {
  if (!existsSync(join(root, BUNDLE_ENTRY))) throw sluiceNotPackable({ root, reason: `${BUNDLE_ENTRY} is missing, so Sluice is not built` });
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

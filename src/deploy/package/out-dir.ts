/**
 * The output directory: created when missing, refused when it holds anything unless forced.
 * Forcing replaces only what an earlier `sluice package` wrote there (its manifest lists the
 * files), so `--out .` with --force cannot delete a user's own files.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { outDirNotEmpty, outPathNotDirectory } from './errors.js';
import { PACKAGE_MANIFEST_FILE, packagedFilesSchema } from './package-manifest.js';

export interface PreparedOutDir {
  /** True when this run made the directory, so a failed run can remove it again. */
  readonly created: boolean;
}

/** Removes the files an earlier package's manifest lists, and the folders they leave empty. */
function removeEarlierPackage(dir: string): void {
  const manifestPath = join(dir, PACKAGE_MANIFEST_FILE);
  if (!existsSync(manifestPath)) return;
  let files: readonly string[];
  try {
    const parsed = packagedFilesSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    // A manifest that is not ours (or not JSON) says nothing about what to remove: leave everything.
    if (!parsed.success) return;
    files = parsed.data.files;
  } catch {
    return;
  }
  for (const file of files) {
    // recursive: the vendored node_modules is one entry.
    rmSync(join(dir, file), { force: true, recursive: true });
    let parent = dirname(file);
    while (parent !== '.') {
      try {
        rmdirSync(join(dir, parent));
      } catch {
        break; // not empty: keep it and its parents
      }
      parent = dirname(parent);
    }
  }
}

export async function prepareOutDir(dir: string, force: boolean): Promise<PreparedOutDir> {
  if (!existsSync(dir)) {
    await mkdir(dir, { recursive: true });
    return { created: true };
  }
  if (!statSync(dir).isDirectory()) throw outPathNotDirectory({ path: dir });
  if (readdirSync(dir).length === 0) return { created: false };
  if (!force) throw outDirNotEmpty({ dir });
  removeEarlierPackage(dir);
  return { created: false };
}

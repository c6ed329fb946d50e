/**
 * Sluice's production dependencies, vendored into the Docker build context so that building the
 * image needs no network and runs no npm.
 *
 * Why copy them from the Sluice installation running `sluice package` rather than
 * `npm install --omit=dev` the tarball into a staging directory: the copy works offline, takes
 * seconds instead of a registry round trip per package, and ships exactly the versions (and the
 * native modules: onnxruntime-node, DuckDB, better-sqlite3, BLAKE3) this installation runs and was
 * tested with, built for Linux on this machine's architecture and Node's ABI. No install script
 * runs, so nothing downloads binaries (as `onnxruntime-node-install=skip` ensures for npm). The
 * set is the closure of package.json's `dependencies` (with the optional and peer dependencies
 * that are installed), found as Node resolves them; devDependencies never enter it.
 * The copy only fits an image of the same platform: on another operating system, C library or
 * Node major version the Dockerfile installs the dependencies at build time instead.
 */
import { constants, existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readlink, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/** The Node major version of the base image (`node:20-slim`): native modules are built for its ABI. */
export const IMAGE_NODE_MAJOR = 20;

/** How the image gets Sluice's dependencies. */
export const DEPENDENCY_MODES = ['vendored', 'install'] as const;
export type DependencyMode = (typeof DEPENDENCY_MODES)[number];

/** Docker's name for this machine's architecture: the image `docker build` makes here by default. */
export function imagePlatform(arch: string = process.arch): string {
  return `linux/${arch === 'x64' ? 'amd64' : arch}`;
}

/** Why this installation's modules would not run in the image, or undefined when they would. */
export function vendorBlocker(): string | undefined {
  if (process.platform !== 'linux') return `this machine runs ${process.platform}, and the native modules installed here would not load in the Linux image`;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (!header?.glibcVersionRuntime) return 'this machine\'s C library is not glibc (the image is Debian), so its native modules would not load there';
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== IMAGE_NODE_MAJOR) return `this machine runs Node ${major}, and native modules built for it would not load in the image's Node ${IMAGE_NODE_MAJOR}`;
  return undefined;
}

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Where `name` resolves from the package in `from`, as Node looks it up (nearest node_modules first), within `root`. */
function resolvePackage(root: string, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === root || !dirname(dir).startsWith(root)) return undefined;
  }
}

/**
 * The production dependency closure of the package at `root`: directories relative to it
 * (`node_modules/…`), sorted, and the required dependencies not installed under it (`missing`:
 * hoisted above Sluice by the installation that holds it, so not Sluice's to copy).
 */
export function findProductionDependencies(root: string): { paths: string[]; missing: string[] } {
  const found = new Set<string>();
  const missing = new Set<string>();
  const visit = (dir: string): void => {
    const manifest = readManifest(dir);
    const optional = new Set([...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const wanted = new Set([...Object.keys(manifest.dependencies ?? {}), ...optional]);
    for (const name of wanted) {
      const location = resolvePackage(root, dir, name);
      // A missing optional dependency is another platform's binary; a missing peer is optional too.
      if (!location) {
        if (!optional.has(name)) missing.add(name);
        continue;
      }
      if (found.has(location)) continue;
      found.add(location);
      visit(location);
    }
  };
  visit(root);
  return { paths: [...found].map((dir) => relative(root, dir).split(sep).join('/')).sort(), missing: [...missing].sort() };
}

/** The directories of {@link findProductionDependencies}. */
export function productionDependencies(root: string): string[] {
  return findProductionDependencies(root).paths;
}

/** Why the dependencies installed under `root` cannot be vendored (some are not there), or undefined. */
export function incompleteInstallation(root: string): string | undefined {
  const { missing } = findProductionDependencies(root);
  if (missing.length === 0) return undefined;
  return `${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} ${missing.length === 1 ? 'is' : 'are'} not installed under ${join(root, 'node_modules')} (hoisted above Sluice by the installation that holds it)`;
}

/**
 * Whether a path inside a package (with `/`) goes into the image. Nested node_modules are vendored
 * as packages of their own when in the closure; onnxruntime-node ships binaries for every platform
 * (~300 MB) and the image needs only Linux on this architecture (`bin/napi-vN/linux/x64`).
 */
function keepFile(inside: string, packagePath: string): boolean {
  const parts = inside.split('/');
  if (parts[0] === 'node_modules') return false;
  if (/(^|\/)onnxruntime-node$/.test(packagePath) && parts[0] === 'bin') {
    if (parts.length >= 3 && parts[2] !== 'linux') return false;
    if (parts.length >= 4 && parts[3] !== process.arch) return false;
  }
  return true;
}

export interface VendoredDependencies {
  /** Packages copied. */
  readonly packages: number;
  /** Bytes of the copied `node_modules`. */
  readonly bytes: number;
}

/** Files (and symlinks) under `dir` that `keep` accepts, relative to it. */
function listFiles(dir: string, keep: (path: string) => boolean, into: string[] = [], prefix = ''): string[] {
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (!keep(path)) continue;
    if (entry.isDirectory()) listFiles(dir, keep, into, path);
    else into.push(path);
  }
  return into;
}

/** Copies files with a few copies in flight (one at a time is bound by latency, not the disk). */
async function copyAll(pairs: readonly (readonly [string, string])[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const [source, target] = pairs[next++]!;
      const link = lstatSync(source);
      await mkdir(dirname(target), { recursive: true });
      if (link.isSymbolicLink()) await symlink(await readlink(source), target);
      else await copyFile(source, target, constants.COPYFILE_FICLONE);
      if (link.mode & 0o111) await chmod(target, link.mode & 0o777);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** Copies the production dependencies of the package at `root` into `destination/node_modules/…`. */
export async function vendorDependencies(root: string, destination: string): Promise<VendoredDependencies> {
  const packages = productionDependencies(root);
  const pairs: [string, string][] = [];
  let bytes = 0;
  for (const path of packages) {
    const source = join(root, path);
    for (const file of listFiles(source, (inside) => keepFile(inside, path))) {
      pairs.push([join(source, file), join(destination, path, file)]);
      bytes += lstatSync(join(source, file)).size;
    }
  }
  await copyAll(pairs);
  return { packages: packages.length, bytes };
}

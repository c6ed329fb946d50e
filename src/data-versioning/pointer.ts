/**
 * Pointer files: `data/images.sluice` names the version of `data/images` that this commit uses
 * (its object id, size and file count), as DVC's `.dvc` files do. They are small YAML, kept in
 * git; the data itself lives in the cache and remotes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { parseLocatedYaml, shellWord, validateWithSchema, writeFileAtomic } from '../core/index.js';
import { pointerConflict } from './errors.js';

export const POINTER_SUFFIX = '.sluice';

export const pointerSchema = z.strictObject({
  /**
   * The tracked file or directory: a name in the pointer's own directory (its own name without
   * `.sluice`). One path component only, so a pointer from another branch cannot make checkout
   * write outside its directory.
   */
  path: z
    .string()
    .min(1)
    .refine((name) => !/[\\/]/.test(name) && name !== '.' && name !== '..', 'must be a file or directory name in the pointer file\'s directory (no / and not . or ..)'),
  hash: z.string().regex(/^blake3:[0-9a-f]{64}(\.dir)?$/, 'must be blake3:<64 hex digits>, with .dir for directories'),
  size: z.number().int().nonnegative(),
  /** Files in a directory; absent for files. */
  nfiles: z.number().int().nonnegative().optional(),
  isexec: z.literal(true).optional(),
});

export type Pointer = z.infer<typeof pointerSchema>;

/** A pointer and where it is: `file` is the pointer file, `target` the data, both relative to the root. */
export interface LocatedPointer {
  readonly file: string;
  readonly target: string;
  readonly pointer: Pointer;
}

export function pointerFileFor(target: string): string {
  return `${target.replace(/\/+$/, '')}${POINTER_SUFFIX}`;
}

/** Reads and validates a pointer file's text; `file` names it in errors. */
export function parsePointer(text: string, file: string): Pointer {
  // A merge that conflicted on the hash: said as such, not as a YAML syntax error.
  if (/^<{7}( |$)/m.test(text) && /^>{7}( |$)/m.test(text)) throw pointerConflict({ file });
  const document = parseLocatedYaml(text, file);
  return validateWithSchema(pointerSchema, document.value ?? {}, document, {
    extraHint: 'A pointer file is written by `sluice data add`: restore it with `git checkout`, or run `sluice data add` on its data again (docs/data.md shows its fields).',
  });
}

/** The pointer file at `file` (relative to `root`), with the data path it names. */
export function readPointer(root: string, file: string): LocatedPointer {
  const pointer = parsePointer(readFileSync(join(root, file), 'utf8'), file);
  const target = join(dirname(file), pointer.path).replace(/^\.\//, '');
  return { file, target, pointer };
}

export function writePointer(root: string, target: string, pointer: Omit<Pointer, 'path'>): string {
  const file = pointerFileFor(target);
  const body: Pointer = { path: basename(target), hash: pointer.hash, size: pointer.size, ...(pointer.nfiles === undefined ? {} : { nfiles: pointer.nfiles }), ...(pointer.isexec ? { isexec: true } : {}) };
  const lines = [
    '# Sluice data pointer: commit this file. The data is in the cache and remotes:',
    `# \`sluice data pull ${shellWord(target)}\` fetches it, \`sluice data checkout ${shellWord(target)}\` restores it.`,
    ...Object.entries(body).map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`),
  ];
  writeFileAtomic(join(root, file), `${lines.join('\n')}\n`);
  return file;
}

export function hasPointer(root: string, target: string): boolean {
  return existsSync(join(root, pointerFileFor(target)));
}

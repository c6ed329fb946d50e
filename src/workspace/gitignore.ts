/** Keeping `.gitignore` in step: Sluice's own files and cached outputs stay out of git. */
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readTextFile, writeFileAtomic } from '../core/index.js';

/** The root .gitignore, or where it points when it is a symlink (even one whose target does not exist yet). */
function gitignorePath(root: string): string {
  const name = join(root, '.gitignore');
  try {
    if (!lstatSync(name).isSymbolicLink()) return name;
  } catch {
    return name;
  }
  try {
    return realpathSync(name);
  } catch {
    return resolve(dirname(name), readlinkSync(name));
  }
}

/**
 * Appends the entries not yet in the root `.gitignore` (compared line by line), keeping
 * everything else as the user wrote it. Returns the entries added.
 */
export function ensureGitignoreEntries(root: string, entries: readonly string[]): string[] {
  // A symlinked .gitignore (shared between checkouts) is updated where it points, not replaced.
  const path = gitignorePath(root);
  const current = existsSync(path) ? readTextFile(path, '.gitignore') : '';
  const present = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = [...new Set(entries)].filter((entry) => !present.has(entry));
  if (missing.length === 0) return [];
  const separator = current.length === 0 || current.endsWith('\n') ? '' : '\n';
  writeFileAtomic(path, `${current}${separator}${missing.join('\n')}\n`);
  return missing;
}

/** The entry that ignores one repository path, anchored at the root. */
export function gitignoreEntryFor(path: string): string {
  // Pattern characters match literally only when escaped ("data/[v1].csv" would be a character
  // class); leading "#"/"!" and trailing spaces need a backslash too.
  const escaped = path
    .replace(/^\/+/, '')
    .replace(/[\\[\]*?]/g, (character) => `\\${character}`)
    .replace(/^([#!])/, '\\$1')
    .replace(/ +$/, (spaces) => spaces.replaceAll(' ', '\\ '));
  return `/${escaped}`;
}

/**
 * Removes exactly these lines (entries Sluice added for outs that are no longer cached, and so
 * now belong in git). Returns the entries removed.
 */
export function removeGitignoreEntries(root: string, entries: readonly string[]): string[] {
  const path = gitignorePath(root);
  if (!existsSync(path) || entries.length === 0) return [];
  const unwanted = new Set(entries);
  const lines = readTextFile(path, '.gitignore').split('\n');
  const kept = lines.filter((line) => !unwanted.has(line.trim()));
  if (kept.length === lines.length) return [];
  writeFileAtomic(path, kept.join('\n'));
  return lines.filter((line) => unwanted.has(line.trim())).map((line) => line.trim());
}

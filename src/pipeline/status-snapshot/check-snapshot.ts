/**
 * The fast path of `sluice status`: is the last all-clear still true? Every input recorded in the
 * status snapshot is looked at again (one stat per file, one walk per directory) and must be
 * exactly as it was; anything else, or any doubt, sends the command down its full path.
 *
 * Loaded by the CLI's entry before anything else, so it imports node built-ins, the directory
 * walk and BLAKE3 only: no zod, YAML, commander, the pipeline loader or the workspace config.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { walkDirectory } from '../../cache/index.js';
import { locateWorkspaceRoot } from '../../workspace/index.js';
import type { StageStatusReport } from '../status-report.js';
import { parseStatusSnapshot, sluiceBuildId, statusEnv, statusSnapshotFile, type PathSignature } from './snapshot-file.js';

export type SnapshotCheck =
  | { readonly fresh: true; readonly root: string; readonly reports: readonly StageStatusReport[] }
  | { readonly fresh: false; readonly reason: string };

export interface CheckSnapshotOptions {
  /** The running build (default: the bundle's, see {@link sluiceBuildId}). */
  readonly build?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Whether the status snapshot of the workspace around `cwd` still holds, and if so what status
 * reported. Never throws for a snapshot it cannot trust; says why instead.
 */
export function checkStatusSnapshot(cwd: string, options: CheckSnapshotOptions = {}): SnapshotCheck {
  const build = 'build' in options ? options.build : sluiceBuildId();
  if (build === undefined) return stale('this Sluice has no build id');
  // The root is found exactly as the full command finds it, so both look at the same workspace.
  const root = locateWorkspaceRoot(cwd);
  if (root === undefined) return stale('no workspace');
  let text: string;
  try {
    text = readFileSync(statusSnapshotFile(root), 'utf8');
  } catch {
    return stale('no snapshot');
  }
  const snapshot = parseStatusSnapshot(text);
  if (!snapshot) return stale('unreadable snapshot');
  if (snapshot.build !== build) return stale('written by another build');
  if (snapshot.root !== root || snapshot.host !== hostname()) return stale('written for another checkout');
  const env = statusEnv(options.env ?? process.env);
  if (Object.keys(env).some((name) => env[name] !== snapshot.env[name])) return stale('the environment changed');
  // Stats first, directory walks (the expensive part) last.
  const entries = Object.entries(snapshot.paths).sort(([, a], [, b]) => Number(a.kind === 'directory') - Number(b.kind === 'directory'));
  for (const [path, signature] of entries) {
    if (!holds(join(root, path), signature)) return stale(`${path} changed`);
  }
  return { fresh: true, root, reports: snapshot.reports };
}

function stale(reason: string): SnapshotCheck {
  return { fresh: false, reason };
}

/** Whether the path is still as its signature says. */
function holds(absolute: string, signature: PathSignature): boolean {
  if (signature.kind === 'directory') {
    try {
      return walkDirectory(absolute).fingerprint === signature.fingerprint;
    } catch {
      return false;
    }
  }
  const stats = statOrAbsent(absolute);
  if (stats === 'unreadable') return false;
  switch (signature.kind) {
    case 'absent':
      return stats === undefined;
    case 'present':
      return stats !== undefined;
    case 'file':
      return (
        stats !== undefined &&
        !stats.isDirectory() &&
        stats.ino === signature.ino &&
        stats.size === signature.size &&
        stats.mtimeMs === signature.mtimeMs &&
        stats.ctimeMs === signature.ctimeMs
      );
  }
}

/** The path's stat; undefined when nothing is there (as WorkspaceHasher reads ENOENT and ENOTDIR). */
function statOrAbsent(absolute: string): Stats | undefined | 'unreadable' {
  try {
    return statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : 'unreadable';
  }
}

/**
 * Where a workspace is: the names that mark its root, and the walk up from the current directory
 * that finds it. Kept free of anything but node built-ins, because the fast path of
 * `sluice status` (pipeline/status-snapshot/) must find the root exactly as the full CLI does
 * without loading the config parser.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PIPELINE_FILE = 'sluice.yaml';
export const LOCK_FILE = 'sluice.lock';
export const SLUICE_DIR = '.sluice';

/** Walks up from `cwd` to the first directory with a `sluice.yaml` or a `.sluice/`; undefined when there is none. */
export function locateWorkspaceRoot(cwd: string): string | undefined {
  let current = resolve(cwd);
  for (;;) {
    if (existsSync(join(current, PIPELINE_FILE)) || existsSync(join(current, SLUICE_DIR))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

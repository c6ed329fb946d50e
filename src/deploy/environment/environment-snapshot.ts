/**
 * What a serving environment last reported about itself, in a small JSON file of the workspace
 * (`.sluice/environments/NAME.json`), so `sluice rollout status` (another process) can show what
 * only the server knows: the versions loaded and the shadow comparison. Written atomically on each
 * change by `sluice serve --env`; read with a schema (it is a file another process wrote).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { isProcessAlive, writeFileAtomic } from '../../core/index.js';

const shadowSchema = z.object({ rows: z.number(), agreement: z.number().nullable(), meanAbsDifference: z.number().nullable(), maxAbsDifference: z.number().nullable() });

export const environmentSnapshotSchema = z.object({
  environment: z.string(),
  /** The rollout the shadow comparison belongs to. */
  rolloutId: z.string().optional(),
  stableVersion: z.number().optional(),
  candidateVersion: z.number().optional(),
  loadedVersions: z.array(z.number()),
  shadow: shadowSchema.optional(),
  updatedAt: z.number(),
  pid: z.number(),
});

export type EnvironmentSnapshot = z.output<typeof environmentSnapshotSchema>;

export function environmentSnapshotPath(workspaceRoot: string, environment: string): string {
  return join(workspaceRoot, '.sluice', 'environments', `${environment}.json`);
}

export function writeEnvironmentSnapshot(path: string, snapshot: EnvironmentSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** The snapshot, or undefined when there is none or it cannot be read (it is only ever informative). */
export function readEnvironmentSnapshot(path: string): EnvironmentSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = environmentSnapshotSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the server that wrote the snapshot still runs on this machine: one that stopped (even killed) leaves its last snapshot behind. */
export function snapshotWriterRunning(snapshot: EnvironmentSnapshot): boolean {
  return isProcessAlive(snapshot.pid);
}

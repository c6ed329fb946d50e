/**
 * Directory manifests: a directory is stored as the sorted list of its files (relative path,
 * object id, size, mode) plus the files themselves. The manifest's own BLAKE3 is the directory's id,
 * so two directories with the same files have the same id wherever they live.
 */
import { z } from 'zod';
import { hashBytes } from '../core/index.js';
import { directoryObjectId, type ObjectId } from './object-id.js';

const manifestEntrySchema = z.strictObject({
  path: z.string().min(1),
  hash: z.string().regex(/^blake3:[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  mode: z.union([z.literal(0o644), z.literal(0o755)]),
});

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

const manifestSchema = z.array(manifestEntrySchema);

/** Code-unit order, the same on every platform and locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The manifest's canonical bytes: entries sorted by path, one JSON object per line inside an
 * array, so that a manifest diff reads file by file.
 */
export function serializeManifest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareCodeUnits(a.path, b.path));
  const lines = sorted.map((entry) => JSON.stringify({ path: entry.path, hash: entry.hash, size: entry.size, mode: entry.mode }));
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** The id of a directory with these entries. */
export function manifestObjectId(serialized: string): ObjectId {
  return directoryObjectId(hashBytes(serialized));
}

/** Reads manifest bytes back; throws on anything that is not a manifest. */
export function parseManifest(text: string): ManifestEntry[] {
  return manifestSchema.parse(JSON.parse(text));
}

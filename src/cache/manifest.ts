/**
 * Directory manifests: a directory is stored as the sorted list of its files (relative path,
 * object id, size, mode) plus the files themselves. The manifest's own BLAKE3 is the directory's id,
 * so two directories with the same files have the same id wherever they live.
 */
import { z } from 'zod';
import { hashBytes } from '../core/index.js';
import { manifestInvalid } from './errors.js';
import { directoryObjectId, type ObjectId } from './object-id.js';

/**
 * A file's place inside its directory: relative, `/`-separated, without `.`, `..` or empty parts.
 * Checked on every read: a manifest comes from a cache or a remote that anyone with write access
 * could fill, and `../../.git/hooks/post-checkout` would otherwise be written where it says.
 */
export function entryPathProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return `the entry "${path}" is an absolute path`;
  if (path.includes('\\')) return `the entry "${path}" holds a backslash`;
  if (path.includes('\0')) return `the entry ${JSON.stringify(path)} holds a NUL character`;
  const parts = path.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return `the entry "${path}" has an empty, "." or ".." part, which could leave the directory`;
  // As git refuses such tree entries: a .git folder's config can run commands (core.fsmonitor).
  if (parts.some((part) => /^(\.git|git~1)$/i.test(part))) return `the entry "${path}" has a .git part, which git would read as a repository's own files`;
  return undefined;
}

/** Two entries for one path, or a file that is also a folder of another entry: no directory has both. */
function clashProblem(entries: readonly ManifestEntry[]): string | undefined {
  const paths = new Set<string>();
  for (const entry of entries) {
    if (paths.has(entry.path)) return `the entry "${entry.path}" is listed twice`;
    paths.add(entry.path);
  }
  for (const path of paths) {
    for (let cut = path.indexOf('/'); cut > 0; cut = path.indexOf('/', cut + 1)) {
      if (paths.has(path.slice(0, cut))) return `"${path.slice(0, cut)}" is listed as a file and as a folder of "${path}"`;
    }
  }
  return undefined;
}

const manifestEntrySchema = z.strictObject({
  path: z.string().min(1).superRefine((path, context) => {
    const problem = entryPathProblem(path);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
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

/** Reads manifest bytes back; SLUICE_CACHE_MANIFEST_INVALID for anything that is not a manifest or names a file outside it. */
export function parseManifest(text: string, id: string): ManifestEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // A truncated object is damage (fetched again), not a crafted list: `details.damaged` says so.
    throw manifestInvalid({ id, problem: `it is not JSON (${error instanceof Error ? error.message : String(error)})` }, { details: { damaged: true } });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw manifestInvalid({ id, problem: issue.code === 'custom' ? issue.message : `${issue.path.join('.') || 'the list'}: ${issue.message}` });
  }
  const clash = clashProblem(parsed.data);
  if (clash) throw manifestInvalid({ id, problem: clash });
  return parsed.data;
}

/**
 * Drift of this commit's training data against the data the production model was trained on,
 * found through lineage: the production reference (the gates baseline) → its registered version
 * → the lineage recorded with it → the training data's content hash → that object in the cache
 * (or on the default remote) → detectDrift against the file in the workspace. Whatever is
 * missing along the way is a note for the report, never a failure.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { hashFile } from '../core/index.js';
import { detectDrift } from '../data/index.js';
import { openRemote, listRemotes } from '../data-versioning/index.js';
import type { Lineage, UpstreamStage } from '../registry/index.js';
import { openWorkspaceCache } from '../workspace/index.js';
import type { CiTrainingDrift } from './ci-result.js';
import { stagesUsing, type CiContext } from './ci-context.js';

const TABLE_EXTENSIONS = new Set(['.csv', '.tsv', '.parquet', '.json', '.jsonl', '.ndjson']);

type DataEntry = { readonly name: string; readonly digest: string };

/** Tables the lineage names, the most upstream first (the raw training data before any split). */
function lineageTables(lineage: Lineage): DataEntry[] {
  const levels: DataEntry[][] = [];
  const visit = (data: readonly DataEntry[], upstream: readonly UpstreamStage[], depth: number) => {
    (levels[depth] ??= []).push(...data);
    for (const stage of upstream) visit(stage.data, stage.upstream, depth + 1);
  };
  visit(lineage.data, lineage.upstream, 0);
  return levels.reverse().flat().filter((entry) => TABLE_EXTENSIONS.has(extname(entry.name).toLowerCase()));
}

export async function trainingDrift(context: CiContext): Promise<{ drift?: CiTrainingDrift; note?: string }> {
  const reference = context.gates.baseline;
  if (reference === undefined || !reference.startsWith('models:/')) return { note: 'No production model to compare with: the gates section names no models:/ baseline.' };
  const version = await context.services.registry(context.options.actor).findVersion(reference);
  if (!version) return { note: `No production model yet: ${reference} names no version.` };
  const lineage = version.lineage;
  const tables = lineage ? lineageTables(lineage).filter((entry) => existsSync(join(context.root, entry.name))) : [];
  // The data a validate stage checks is the training data as it enters the pipeline.
  const validated = new Set(stagesUsing(context.pipeline, 'validate').flatMap((stage) => stage.validates));
  const chosen = tables.find((entry) => validated.has(entry.name)) ?? tables[0];
  const label = `${reference} → version ${version.version}`;
  if (!chosen) return { note: `${label} has no lineage naming training data in this repository, so its training data is unknown.` };
  const current = join(context.root, chosen.name);
  const shown = `${label} → ${chosen.name} (${chosen.digest.slice(0, 19)}…)`;
  if (`blake3:${await hashFile(current)}` === chosen.digest) return { note: `${chosen.name} is the data ${label} was trained on (same content): nothing drifted.` };
  const referencePath = await fetchObject(context, chosen);
  if (!referencePath) return { note: `${shown}: that version of the data is neither in the cache nor on the default remote.` };
  try {
    const result = await detectDrift(referencePath, current, { exclude: [] });
    return { drift: { current: chosen.name, reference: shown, result } };
  } finally {
    rmSync(referencePath, { force: true });
  }
}

/**
 * The object as a temp file with the data's extension (the table reader goes by it), from the
 * cache, or fetched from the default remote into the cache first; undefined when neither has it.
 */
async function fetchObject(context: CiContext, entry: DataEntry): Promise<string | undefined> {
  const cache = openWorkspaceCache(context.services.workspace);
  if (!cache.has(entry.digest)) {
    const remote = listRemotes(context.services.workspace).find((candidate) => candidate.isDefault);
    if (!remote) return undefined;
    const { storage } = await openRemote(context.services.workspace, remote.name);
    try {
      await cache.addVerified(entry.digest, await storage.read(entry.digest), `${storage.url} (for ${entry.name})`);
    } catch {
      return undefined;
    } finally {
      (storage as { destroy?: () => void }).destroy?.();
    }
  }
  const dir = join(context.services.workspace.paths.tmpDir, 'ci');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `reference-${process.pid}${extname(entry.name)}`);
  copyFileSync(cache.objectPath(entry.digest), path);
  return path;
}

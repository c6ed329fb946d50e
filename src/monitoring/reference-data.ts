/**
 * The reference a monitor compares a window with: a file the monitor names, or (`lineage`) the
 * training data of the version an environment serves, found through the version's lineage (the
 * data its producing run read, by content hash). The workspace file is used while its content
 * still has that hash; otherwise the object cache's copy, so a later `sluice data add` of newer
 * data does not silently change what "the training data" was.
 */
import { existsSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { fileObjectId } from '../cache/index.js';
import { hashFile } from '../core/index.js';
import { readTable, type Table } from '../data/index.js';
import type { ModelVersion } from '../registry/index.js';
import type { MonitorReference } from './config/monitor-schema.js';
import { referenceNotFound } from './errors.js';

const TABLE_EXTENSIONS = new Set(['.csv', '.tsv', '.parquet', '.json', '.jsonl', '.ndjson']);

/** Where the object cache keeps an object, if it has it. */
export interface ObjectLookup {
  pathOf(digest: string): string | undefined;
}

export interface ResolvedReference {
  readonly table: Table;
  /** Where it came from, for reports: the file, or `lineage: NAME@DIGEST`. */
  readonly source: string;
}

export async function loadReference(reference: MonitorReference, root: string, version: ModelVersion | undefined, objects: ObjectLookup, environment: string): Promise<ResolvedReference> {
  if (reference !== 'lineage') {
    const path = isAbsolute(reference.path) ? reference.path : join(root, reference.path);
    return { table: await readTable(path), source: reference.path };
  }
  const inputs = (version?.lineage?.data ?? []).filter((input) => TABLE_EXTENSIONS.has(extname(input.name).toLowerCase()));
  for (const input of inputs) {
    const inWorkspace = join(root, input.name);
    if (existsSync(inWorkspace) && fileObjectId(await hashFile(inWorkspace)) === input.digest) return { table: await readTable(inWorkspace), source: `${input.name} (lineage)` };
    const cached = objects.pathOf(input.digest);
    if (cached) return { table: await readTable(cached), source: `${input.name} (lineage, ${input.digest.slice(0, 19)} from the cache)` };
  }
  throw referenceNotFound({
    environment,
    version: version ? `models:/${version.name}/${version.version}` : 'no registered version',
    inputs: (version?.lineage?.data ?? []).map((input) => input.name),
  });
}

/**
 * Versioned data for the web UI: each tracked path (its pointer file, the version it names, size,
 * whether this machine's cache and working copy have it) with its versions from git, and a
 * profile of a tracked table computed on request (what `sluice data profile` prints). Read-only:
 * nothing is hashed or cleaned here, so a page load never races a `sluice data add` or `sluice run`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { profileFile } from '../../data/index.js';
import { dataVersions, loadPointers } from '../../data-versioning/index.js';
import { PROFILE_HEADERS, profileRows, profileSummary } from '../../reports/index.js';
import { openWorkspaceCache } from '../../workspace/index.js';
import { notATrackedTable } from '../errors.js';
import { route, type JsonRoute } from '../route.js';

const BASE = '/api/sluice/v1/data';
/** Tables `sluice data profile` reads. */
const TABLE = /\.(csv|tsv|parquet|jsonl|ndjson|json)$/i;

export const dataRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: BASE, role: 'reader',
    summary: "Tracked data: each path's pointer, the version it names, whether the cache and working copy have it, and its versions in git",
    request: z.object({ versions: z.coerce.number().int().min(0).max(200).default(20) }),
    handle: async (input, { services }) => {
      const root = services.workspace.root;
      const cache = openWorkspaceCache(services.workspace);
      const pointers = await loadPointers(root);
      const data = await Promise.all(
        pointers.map(async ({ file, target, pointer }) => {
          const present = existsSync(join(root, target));
          return {
            target,
            pointer_file: file,
            hash: pointer.hash,
            size: pointer.size,
            files: pointer.nfiles ?? null,
            in_cache: cache.has(pointer.hash as Parameters<typeof cache.has>[0]),
            present,
            table: pointer.nfiles === undefined && TABLE.test(target),
            versions: input.versions === 0 ? [] : await dataVersions(root, file, input.versions),
          };
        }),
      );
      return { data };
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/profile`, role: 'reader',
    summary: 'A profile of a tracked table in the working copy, column by column (as `sluice data profile` prints it)',
    request: z.object({ target: z.string().min(1) }),
    handle: async (input, { services }) => {
      const root = services.workspace.root;
      const tracked = (await loadPointers(root)).find((located) => located.target === input.target && located.pointer.nfiles === undefined);
      const path = join(root, input.target);
      if (!tracked || !TABLE.test(input.target) || !existsSync(path) || !statSync(path).isFile()) throw notATrackedTable({ target: input.target });
      const profile = await profileFile(path);
      return { target: input.target, headers: PROFILE_HEADERS, rows: profileRows(profile), summary: profileSummary(profile) };
    },
  }),
];

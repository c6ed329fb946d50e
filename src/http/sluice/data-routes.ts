/**
 * Versioned data for the web UI: each tracked path (its pointer file, the version it names, size,
 * whether this machine's cache and working copy have it) with its versions from git, and a
 * profile of a tracked table computed on request (what `sluice data profile` prints). Read-only:
 * nothing is hashed or cleaned here, so a page load never races a `sluice data add` or `sluice run`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { profileFile } from '../../data/index.js';
import { dataVersions, loadPointers } from '../../data-versioning/index.js';
import { loadPipeline } from '../../pipeline/index.js';
import { PROFILE_HEADERS, profileRows, profileSummary } from '../../reports/index.js';
import { openWorkspaceCache, PIPELINE_FILE } from '../../workspace/index.js';
import { notATrackedTable } from '../errors.js';
import { route, type JsonRoute } from '../route.js';

const BASE = '/api/sluice/v1/data';
/** Tables `sluice data profile` reads. */
const TABLE = /\.(csv|tsv|parquet|jsonl|ndjson|json)$/i;

/** The shape of a `sluice validate --json` report (what the validation stage's details out holds). */
const validationReportSchema = z.object({
  file: z.string(),
  schema: z.string().optional(),
  rows: z.number(),
  passed: z.boolean(),
  checks: z.number(),
  violations: z.array(z.unknown()),
});

/** Violations sent per report: enough to read what is wrong; the file has them all. */
const VIOLATIONS_SENT = 20;

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
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/validations`, role: 'reader',
    summary: "The latest reports of the pipeline's validation stages (`uses: validate`): the data, its schema, rows, checks and violations",
    request: z.object({}),
    handle: async (_input, { services }) => {
      const root = services.workspace.root;
      if (!existsSync(join(root, PIPELINE_FILE))) return { validations: [] };
      const validations = loadPipeline(root)
        .stages.filter((stage) => stage.validates.length > 0)
        .flatMap((stage) =>
          stage.outs.flatMap((out) => {
            const path = join(root, out.path);
            if (!out.path.endsWith('.json') || !existsSync(path) || !statSync(path).isFile()) return [];
            let parsed;
            try {
              parsed = validationReportSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
            } catch {
              return [];
            }
            if (!parsed.success) return [];
            const report = parsed.data;
            return [{ stage: stage.name, report: out.path, file: report.file, schema: report.schema ?? null, rows: report.rows, passed: report.passed, checks: report.checks, violations: report.violations.length, first_violations: report.violations.slice(0, VIOLATIONS_SENT), written_at: statSync(path).mtimeMs }];
          }),
        );
      return { validations };
    },
  }),
];

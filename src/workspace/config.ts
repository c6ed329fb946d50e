/**
 * `.sluice/config.yaml`: per-repository settings kept in git (no secrets). Environment variables
 * win over the file: `SLUICE_DATABASE_URL` over `store.url`, `SLUICE_ARTIFACTS` over `artifacts.url`,
 * `SLUICE_SERVER_URL` over `server.url`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseLocatedYaml, validateWithSchema } from '../core/index.js';
import { LINK_TYPES } from '../cache/index.js';

export const CONFIG_FILE = '.sluice/config.yaml';

export const remoteSchema = z.strictObject({
  /** A directory, file:///path, or s3://bucket/prefix. */
  url: z.string().min(1),
  /** S3: a custom endpoint (MinIO, Ceph, a test server); AWS_ENDPOINT_URL otherwise. */
  endpoint: z.string().url().optional(),
  /** S3: the region; AWS_REGION otherwise. */
  region: z.string().min(1).optional(),
});

export type RemoteConfig = z.infer<typeof remoteSchema>;

export const workspaceConfigSchema = z.strictObject({
  cache: z
    .strictObject({
      /** Cache directory, relative to the repository root; may be shared between checkouts. */
      dir: z.string().min(1).optional(),
      /** How checkouts place files, in order of preference. */
      link: z.array(z.enum(LINK_TYPES)).min(1).optional(),
    })
    .optional(),
  store: z
    .strictObject({
      /** postgres://… or sqlite:path; default `.sluice/sluice.db`. */
      url: z.string().min(1).optional(),
    })
    .optional(),
  artifacts: z
    .strictObject({
      /** A directory or s3://bucket/prefix; default `.sluice/artifacts`. SLUICE_ARTIFACTS overrides. */
      url: z.string().min(1).optional(),
    })
    .optional(),
  tracking: z
    .strictObject({
      /** The experiment pipeline runs are recorded in; default the repository's directory name. */
      experiment: z.string().min(1).optional(),
    })
    .optional(),
  /** Where `sluice run` runs stages: here (`local`, the default) or on `sluice worker` processes through a Redis queue. */
  executor: z
    .strictObject({
      type: z.enum(['local', 'queue'], { error: 'executor.type must be local or queue' }).optional(),
      /** The queue's Redis: redis://HOST:PORT[/DB][?prefix=NAME]; `--queue` wins. */
      queue: z.string().min(1).optional(),
    })
    .optional(),
  /**
   * A team's Sluice server: runs, the registry, the audit log and artifacts are recorded and read
   * there instead of in this checkout's database. SLUICE_SERVER_URL overrides; the token is read
   * from SLUICE_TOKEN only, never from this file (it is kept in git).
   */
  server: z
    .strictObject({
      url: z.string().url({ error: 'must be the server\'s address, e.g. http://tracking.example.com:5000' }),
      token: z
        .unknown()
        .optional()
        .refine((value) => value === undefined, { message: 'a token must not be kept in a file in git: set SLUICE_TOKEN in the environment instead' }),
    })
    .optional(),
  /** Where `sluice data push/pull` send and fetch objects, by name. */
  remotes: z.record(z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a remote name is letters, digits, ., _ and -'), remoteSchema).optional(),
  /** The remote used when `-r NAME` is not given. */
  default_remote: z.string().min(1).optional(),
});

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

/** Reads and validates the config file; an absent or empty file means defaults. */
export function loadWorkspaceConfig(root: string): WorkspaceConfig {
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path)) return {};
  const document = parseLocatedYaml(readFileSync(path, 'utf8'), CONFIG_FILE);
  return validateWithSchema(workspaceConfigSchema, document.value ?? {}, document, { extraHint: `Fix ${CONFIG_FILE} at the position shown; \`sluice init\` writes a commented example of every setting.` });
}

/** What `sluice init` writes: the defaults, spelled out so users see what they can change. */
export const DEFAULT_CONFIG_TEXT = `# Sluice settings for this repository (kept in git; no secrets here).
cache:
  # Where content-addressed objects live. Share one directory between checkouts to save space.
  dir: .sluice/cache
  # How outputs are placed from the cache, in order of preference. Hardlinked files are read-only.
  link: [reflink, hardlink, copy]
# store:
#   url: postgres://user@host:5432/db   # team scale; SLUICE_DATABASE_URL overrides
# artifacts:
#   url: s3://bucket/prefix             # team scale; SLUICE_ARTIFACTS overrides (default .sluice/artifacts)
# tracking:
#   experiment: my-project              # where pipeline runs are recorded (default: this directory's name)
# server:
#   url: http://sluice.example.com:5000 # a team server for runs, registry and artifacts; SLUICE_SERVER_URL overrides; token in SLUICE_TOKEN
`;

/**
 * The status snapshot: what a `sluice status` that found the whole pipeline up to date read to
 * reach that verdict, each input by its stat (or a directory by its walk's fingerprint), so that
 * the next `sluice status` can re-check the stats instead of loading the pipeline and hashing
 * (git's index does this for `git status`). Kept in `.sluice/tmp/status-snapshot.json`, local to
 * the checkout and git-ignored like the stat cache.
 *
 * This module is on the fast path: node built-ins only. The file is JSON and checked by hand
 * below rather than by a zod schema: keeping zod's start-up cost off this path is its whole
 * point, and any file that does not check is simply not trusted.
 */
import { join } from 'node:path';
import { SLUICE_DIR } from '../../workspace/index.js';
import type { StageStatusReport } from '../status-report.js';

/** Bumped whenever the file's meaning changes; another number is never trusted. */
export const STATUS_SNAPSHOT_FORMAT = 1;

/** Where the snapshot of the workspace at `root` lives (beside the stat cache, in `.sluice/tmp/`). */
export function statusSnapshotFile(root: string): string {
  return join(root, SLUICE_DIR, 'tmp', 'status-snapshot.json');
}

/**
 * Environment variables status reads: `SLUICE_DATABASE_URL` is parsed when the workspace opens
 * (a malformed one fails the command). No other variable changes what status reads or says
 * (colours never touch "Pipeline is up to date."), and interpolation reads params, not the
 * environment.
 */
export const STATUS_ENV = ['SLUICE_DATABASE_URL'] as const;

/** Set by the CLI bundle (scripts/bundle-cli.mjs) to an id unique to each build. */
declare const SLUICE_BUILD_ID: string | undefined;

/**
 * The identity of the running build, unique per `npm run build`, so a rebuilt or upgraded Sluice
 * never trusts a snapshot written by another. Undefined outside the bundle (the tsc output used
 * by unit tests): then snapshots are neither written nor trusted unless a build is given.
 */
export function sluiceBuildId(): string | undefined {
  return typeof SLUICE_BUILD_ID === 'string' ? SLUICE_BUILD_ID : undefined;
}

/** How an input was when the verdict was reached. */
export type PathSignature =
  /** Nothing there (ENOENT or ENOTDIR). */
  | { readonly kind: 'absent' }
  /** Only its existence was read (a frozen stage's dep must exist). */
  | { readonly kind: 'present' }
  /** A file's stat; ctime too, which any write or `touch` moves (git's index keeps it as well). */
  | { readonly kind: 'file'; readonly ino: number; readonly size: number; readonly mtimeMs: number; readonly ctimeMs: number }
  /** A directory as WorkspaceHasher saw it: the fingerprint of its walk. */
  | { readonly kind: 'directory'; readonly fingerprint: string };

export interface StatusSnapshot {
  readonly format: typeof STATUS_SNAPSHOT_FORMAT;
  readonly build: string;
  /** The absolute workspace root it was written for (a moved or copied checkout starts afresh). */
  readonly root: string;
  readonly host: string;
  /** {@link STATUS_ENV}'s values, '' for unset. */
  readonly env: Readonly<Record<string, string>>;
  /** Every input, by root-relative posix path. */
  readonly paths: Readonly<Record<string, PathSignature>>;
  /** What status reported (every stage up to date or frozen), for `--json`. */
  readonly reports: readonly StageStatusReport[];
}

/** The values of {@link STATUS_ENV} in `env`, as the snapshot records them. */
export function statusEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(STATUS_ENV.map((name) => [name, env[name] ?? '']));
}

export function serializeStatusSnapshot(snapshot: StatusSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

/** The snapshot in `text`, or undefined when it is not one this code wrote (any doubt means no trust). */
export function parseStatusSnapshot(text: string): StatusSnapshot | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.format !== STATUS_SNAPSHOT_FORMAT) return undefined;
  const { build, root, host, env, paths, reports } = value;
  if (typeof build !== 'string' || typeof root !== 'string' || typeof host !== 'string') return undefined;
  if (!isObject(env) || !Object.values(env).every((entry) => typeof entry === 'string')) return undefined;
  if (!isObject(paths) || !Object.values(paths).every(isSignature)) return undefined;
  if (!Array.isArray(reports) || !reports.every(isSettledReport)) return undefined;
  return value as unknown as StatusSnapshot;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSignature(value: unknown): value is PathSignature {
  if (!isObject(value)) return false;
  switch (value.kind) {
    case 'absent':
    case 'present':
      return true;
    case 'file':
      return [value.ino, value.size, value.mtimeMs, value.ctimeMs].every((number) => typeof number === 'number');
    case 'directory':
      return typeof value.fingerprint === 'string';
    default:
      return false;
  }
}

/** Only an all-clear is ever written: a report of anything else means the file is not ours. */
function isSettledReport(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.stage === 'string' &&
    (value.state === 'up-to-date' || value.state === 'frozen') &&
    Array.isArray(value.changes) &&
    value.changes.length === 0 &&
    Array.isArray(value.reasons) &&
    value.reasons.every((reason) => typeof reason === 'string') &&
    Array.isArray(value.upstream) &&
    value.upstream.length === 0
  );
}

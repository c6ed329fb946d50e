/**
 * Where the prediction log goes by default outside a workspace, and how much of it is kept.
 *
 * A load test can write gigabytes of raw inputs: the log is bounded by total size and by age.
 * The oldest complete files go first; a file some process is still writing (this process's
 * current files, and the newest file of every other living process, such as another worker)
 * is never removed.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../core/index.js';

export interface LogRetention {
  /** All log files together are kept at or under this many bytes. */
  readonly maxBytes: number;
  /** Files last written longer ago than this are removed. */
  readonly maxAgeMs: number;
}

export const DEFAULT_RETENTION_MB = 1024;
export const DEFAULT_RETENTION_DAYS = 7;

/**
 * The prediction log's directory when no workspace holds it: `$XDG_STATE_HOME/sluice/predictions`,
 * else `~/.local/state/sluice/predictions` (the XDG base directory for state that outlives a run
 * but is not the user's data).
 */
export function defaultPredictionLogDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'sluice', 'predictions');
}

/** `predictions-<time>-<pid>-<n>.jsonl`, `feedback-…` (the names PredictionLog writes). */
const LOG_FILE = /^(predictions|feedback)-[^-]+-(\d+)-(\d+)\.jsonl$/;

interface LogFile {
  readonly path: string;
  readonly series: string;
  readonly pid: number;
  readonly sequence: number;
  readonly size: number;
  readonly modified: number;
}

function listLogFiles(dir: string): LogFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: LogFile[] = [];
  for (const name of names) {
    const match = LOG_FILE.exec(name);
    if (!match) continue;
    try {
      const stat = statSync(join(dir, name));
      files.push({ path: join(dir, name), series: match[1]!, pid: Number(match[2]), sequence: Number(match[3]), size: stat.size, modified: stat.mtimeMs });
    } catch {
      // Removed meanwhile (by another worker's retention).
    }
  }
  return files;
}

/** Files that may still be written: `current` (this process's), and each other living process's newest per series. */
function filesInUse(files: readonly LogFile[], current: ReadonlySet<string>): Set<string> {
  const inUse = new Set(current);
  const newest = new Map<string, LogFile>();
  for (const file of files) {
    if (file.pid === process.pid) continue;
    const key = `${file.series}-${file.pid}`;
    const seen = newest.get(key);
    if (!seen || file.sequence > seen.sequence) newest.set(key, file);
  }
  for (const file of newest.values()) if (isProcessAlive(file.pid)) inUse.add(file.path);
  return inUse;
}

/**
 * Removes complete log files older than `maxAgeMs`, then the oldest until all files together fit
 * in `maxBytes`. Returns the files removed.
 */
export function applyRetention(dir: string, retention: LogRetention, current: ReadonlySet<string> = new Set(), now = Date.now()): string[] {
  const files = listLogFiles(dir).sort((a, b) => a.modified - b.modified || a.sequence - b.sequence);
  const inUse = filesInUse(files, current);
  let total = files.reduce((sum, file) => sum + file.size, 0);
  const removed: string[] = [];
  for (const file of files) {
    if (inUse.has(file.path)) continue;
    if (now - file.modified <= retention.maxAgeMs && total <= retention.maxBytes) continue;
    try {
      rmSync(file.path, { force: true });
      removed.push(file.path);
      total -= file.size;
    } catch {
      // Not ours to remove (permissions): the next pass tries again.
    }
  }
  return removed;
}

/** The policy in words, for the server's start-up message. */
export function describeRetention(retention: LogRetention): string {
  const megabytes = retention.maxBytes / (1024 * 1024);
  const days = retention.maxAgeMs / 86_400_000;
  return `keeps at most ${megabytes} MB and ${days} day${days === 1 ? '' : 's'}, oldest files removed first`;
}

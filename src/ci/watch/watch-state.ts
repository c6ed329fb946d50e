/**
 * What `sluice watch` last ran, per branch, in `.sluice/watch-state.json`: the commit and the data
 * fingerprint of the last finished run, and how far the schedule has been served. Written
 * atomically after each run, so a restarted watch neither reruns a state nor misses one.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { watchStateInvalid } from './errors.js';

/** Why a run started: a new commit, a change of the data, or the cron schedule. */
export const WATCH_TRIGGERS = ['commit', 'data', 'schedule'] as const;
export type WatchTrigger = (typeof WATCH_TRIGGERS)[number];

export const STATE_FILE = '.sluice/watch-state.json';

const lastRunSchema = z.strictObject({
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
  data: z.string().min(1),
  trigger: z.enum(WATCH_TRIGGERS),
  finishedAt: z.iso.datetime(),
  /** null: the run ended by a signal or could not start. */
  exitCode: z.number().int().nullable(),
});

const branchStateSchema = z.strictObject({
  lastRun: lastRunSchema.optional(),
  /** Scheduled times up to here have been served (or were before the watch first started). */
  scheduledUntil: z.iso.datetime().optional(),
});

const stateSchema = z.strictObject({ version: z.literal(1), branches: z.record(z.string(), branchStateSchema) });

export type LastRun = z.infer<typeof lastRunSchema>;
export type BranchState = z.infer<typeof branchStateSchema>;
type WatchStateFile = z.infer<typeof stateSchema>;

/** The state file of the workspace at `root`, read once and written through. */
export class WatchState {
  private constructor(
    private readonly path: string,
    private readonly state: WatchStateFile,
  ) {}

  /** Reads `.sluice/watch-state.json` (none yet: an empty state); a damaged file is SLUICE_WATCH_STATE_INVALID. */
  static load(root: string): WatchState {
    const path = join(root, STATE_FILE);
    if (!existsSync(path)) return new WatchState(path, { version: 1, branches: {} });
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw watchStateInvalid({ path: STATE_FILE, problem: error instanceof Error ? error.message : String(error) });
    }
    const parsed = stateSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw watchStateInvalid({ path: STATE_FILE, problem: `${issue.path.join('.') || 'the file'}: ${issue.message}` });
    }
    return new WatchState(path, parsed.data);
  }

  /** What is known of `branch`. */
  branch(branch: string): BranchState {
    return this.state.branches[branch] ?? {};
  }

  /** Replaces what is known of `branch` and writes the file (atomically). */
  update(branch: string, change: Partial<BranchState>): void {
    this.state.branches[branch] = { ...this.branch(branch), ...change };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

/**
 * The checkouts a worker runs stages in. Slot 0 is the worker's own clone (its working directory,
 * dedicated to the worker: local changes there are overwritten); with `--concurrency N`, slots 1…
 * are git worktrees of it under `.sluice/tmp/slots/`, so two stages at two commits never share a
 * working tree. Before a job, the slot is checked out at the job's commit; when that fails because
 * the clone does not have the commit, it is fetched from the clone's remotes and checked out then.
 * A slot already at the job's commit (the previous job's) is used as it is: stages write only
 * their outs, which are git-ignored or deleted before their stage runs. A worktree holds the
 * whole repository: when the project is a folder of it (`ml/` of a monorepo), the slot's
 * project is that folder of the worktree.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readGitPrefix } from '../core/index.js';
import { commitUnavailable } from './errors.js';

const run = promisify(execFile);

/** Serialises git commands on one clone: concurrent fetches and worktree updates take the same ref locks. */
export class SlotCheckouts {
  private queue: Promise<unknown> = Promise.resolve();
  /** The commit each slot was last checked out at by this process: the next job at that commit needs no git. */
  private readonly at = new Map<number, string>();
  /** The project's folder in the repository (`ml/`, or '' at its top), read once. */
  private prefix: Promise<string> | undefined;

  constructor(private readonly cloneRoot: string) {}

  /**
   * Slot 0, the clone itself, is at `commit` with no tracked file changed (as the worker found it
   * on starting): its first job at that commit needs no git checkout, as a job after another at
   * the same commit needs none.
   */
  adopt(commit: string): void {
    this.at.set(0, commit);
  }

  /** The git checkout of slot `slot` (for slots 1…, a worktree of the whole repository). */
  private checkoutOf(slot: number): string {
    return slot === 0 ? this.cloneRoot : join(this.cloneRoot, '.sluice', 'tmp', 'slots', String(slot));
  }

  /**
   * Puts tracked files of `slot` back as its commit has them, after a job changed some (an
   * experiment's params); until then, the slot's next checkout is a forced one even at the same commit.
   */
  restore(slot: number): Promise<void> {
    const commit = this.at.get(slot);
    this.at.delete(slot);
    if (commit === undefined) return Promise.resolve();
    return this.checkout(slot, commit).then(() => undefined);
  }

  /** Puts slot `slot` at `commit` (detached) and returns its directory. */
  checkout(slot: number, commit: string): Promise<string> {
    const next = this.queue.then(() => this.checkoutNow(slot, commit));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async checkoutNow(slot: number, commit: string): Promise<string> {
    const dir = this.checkoutOf(slot);
    // Slot 0 is the project's own folder; git is asked for the folder only for a worktree.
    const project = slot === 0 ? dir : resolve(dir, await (this.prefix ??= readGitPrefix(this.cloneRoot)));
    if (this.at.get(slot) === commit) return project;
    this.at.delete(slot);
    // The clone usually has the commit: try first, fetch only when that fails for want of it.
    try {
      await this.put(slot, dir, commit);
    } catch (error) {
      if (await this.hasCommit(commit)) throw error;
      try {
        await git(this.cloneRoot, ['fetch', '--quiet', '--all']);
      } catch (fetchError) {
        throw commitUnavailable({ commit, root: this.cloneRoot, reason: `git fetch failed: ${firstLine(fetchError)}` });
      }
      if (!(await this.hasCommit(commit))) throw commitUnavailable({ commit, root: this.cloneRoot, reason: 'not found after git fetch --all' });
      await this.put(slot, dir, commit);
    }
    this.at.set(slot, commit);
    return project;
  }

  private async put(slot: number, dir: string, commit: string): Promise<void> {
    if (slot > 0 && !existsSync(join(dir, '.git'))) {
      await git(this.cloneRoot, ['worktree', 'prune']);
      await git(this.cloneRoot, ['worktree', 'add', '--force', '--detach', dir, commit]);
    } else {
      await git(dir, ['checkout', '--quiet', '--force', '--detach', commit]);
    }
  }

  private async hasCommit(commit: string): Promise<boolean> {
    try {
      await git(this.cloneRoot, ['cat-file', '-e', `${commit}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

function firstLine(error: unknown): string {
  const text = (error as { stderr?: string }).stderr || (error instanceof Error ? error.message : String(error));
  return text.trim().split('\n')[0] ?? '';
}

/**
 * Where environments and rollouts are persisted: the contract the deploy service relies on. One
 * implementation over Kysely serves SQLite and PostgreSQL (`kysely-rollout-store.ts`).
 */
import type { Rollout } from '../rollout/rollout.js';

/** An environment's observed state: what serves, and the rollout that last touched it. */
export interface EnvironmentState {
  readonly name: string;
  readonly model: string;
  /** The version serving as stable (undefined before the first completed rollout). */
  readonly stableVersion: number | undefined;
  readonly currentRolloutId: string | undefined;
  readonly updatedAt: number;
}

export interface StartRolloutWrite {
  readonly rollout: Rollout;
  /** The rollout the environment pointed at when the caller read it (undefined: none, or no environment row). */
  readonly expectedCurrentId: string | undefined;
  /** That rollout, aborted by a forced deploy, written in the same transaction (revision checked). */
  readonly replaced?: Rollout | undefined;
  /** The environment's stable version after the new rollout's first reconciliation. */
  readonly stableVersion: number | undefined;
}

export interface RolloutStore {
  /** The environment's row, or undefined before its first deploy. */
  getEnvironment(name: string): Promise<EnvironmentState | undefined>;

  getRollout(id: string): Promise<Rollout | undefined>;

  /** Rollouts of an environment, newest first. */
  listRollouts(environment: string, limit: number): Promise<Rollout[]>;

  /**
   * In one transaction: points the environment at the new rollout only if it still points at
   * `expectedCurrentId` (compare-and-set, so of two concurrent deploys one wins), writes the
   * replaced rollout (only at the revision it was read at) and inserts the new one. Returns false
   * when another process got there first; nothing is written then.
   */
  startRollout(write: StartRolloutWrite): Promise<boolean>;

  /**
   * Writes the rollout if its stored revision is still `rollout.revision`, storing revision + 1,
   * and the environment's stable version with it. Returns the rollout as stored, or undefined
   * when another process changed it first (nothing is written then).
   */
  saveRollout(rollout: Rollout, stableVersion: number | undefined): Promise<Rollout | undefined>;
}

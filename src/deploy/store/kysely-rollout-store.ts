/**
 * {@link RolloutStore} over Kysely, for SQLite and PostgreSQL. Concurrency is optimistic: every
 * write names the state it read (the environment's current rollout, the rollout's revision) in
 * its WHERE clause, and a write that matched nothing reports the conflict. The first statement
 * of each transaction is a write, so SQLite takes its write lock at once instead of failing to
 * upgrade a read lock another writer raced.
 */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { isUniqueViolation, type Database, type StoreConnection } from '../../store/index.js';
import type { AnalysisRunState } from '../analysis/analysis-types.js';
import type { Strategy } from '../config/strategy-schema.js';
import type { PauseReason, Rollout, RolloutPhase } from '../rollout/rollout.js';
import type { EnvironmentState, RolloutStore, StartRolloutWrite } from './rollout-store.js';

type RolloutRow = Selectable<Database['rollouts']>;

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function toOptionalNumber(value: number | string | null): number | undefined {
  return value === null ? undefined : toNumber(value);
}

function toRollout(row: RolloutRow): Rollout {
  return {
    id: row.id,
    environment: row.environment,
    model: row.model,
    alias: row.alias,
    stableVersion: row.stable_version ?? undefined,
    candidateVersion: row.candidate_version,
    strategy: JSON.parse(row.strategy) as Strategy,
    phase: row.phase as RolloutPhase,
    stepIndex: row.step_index,
    stepStartedAt: toNumber(row.step_started_at),
    weight: row.weight,
    pauseUntil: toOptionalNumber(row.pause_until),
    pausedIndefinitely: row.paused_indefinitely === 1,
    pauseReason: (row.pause_reason ?? undefined) as PauseReason | undefined,
    promotedAt: toOptionalNumber(row.promoted_at),
    analysisRuns: JSON.parse(row.analysis_runs) as AnalysisRunState[],
    message: row.message,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    finishedAt: toOptionalNumber(row.finished_at),
    revision: row.revision,
  };
}

/** The columns a rollout's state changes (everything but its identity and creation). */
function stateColumns(rollout: Rollout) {
  return {
    phase: rollout.phase,
    step_index: rollout.stepIndex,
    step_started_at: rollout.stepStartedAt,
    weight: rollout.weight,
    pause_until: rollout.pauseUntil ?? null,
    paused_indefinitely: rollout.pausedIndefinitely ? 1 : 0,
    pause_reason: rollout.pauseReason ?? null,
    promoted_at: rollout.promotedAt ?? null,
    analysis_runs: JSON.stringify(rollout.analysisRuns),
    message: rollout.message,
    updated_at: rollout.updatedAt,
    finished_at: rollout.finishedAt ?? null,
  };
}

function toRow(rollout: Rollout): Insertable<Database['rollouts']> {
  return {
    id: rollout.id,
    environment: rollout.environment,
    model: rollout.model,
    alias: rollout.alias,
    stable_version: rollout.stableVersion ?? null,
    candidate_version: rollout.candidateVersion,
    strategy_kind: rollout.strategy.kind,
    strategy: JSON.stringify(rollout.strategy),
    created_at: rollout.createdAt,
    revision: rollout.revision,
    ...stateColumns(rollout),
  };
}

/** Thrown inside a transaction to roll it back when a compare-and-set matched nothing. */
class Conflict extends Error {}

export class KyselyRolloutStore implements RolloutStore {
  private readonly db: Kysely<Database>;

  constructor(connection: StoreConnection) {
    this.db = connection.db;
  }

  async getEnvironment(name: string): Promise<EnvironmentState | undefined> {
    const row = await this.db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return undefined;
    return { name: row.name, model: row.model, stableVersion: row.stable_version ?? undefined, currentRolloutId: row.current_rollout_id ?? undefined, updatedAt: toNumber(row.updated_at) };
  }

  async getRollout(id: string): Promise<Rollout | undefined> {
    const row = await this.db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRollout(row) : undefined;
  }

  async listRollouts(environment: string, limit: number): Promise<Rollout[]> {
    const rows = await this.db.selectFrom('rollouts').selectAll().where('environment', '=', environment).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRollout);
  }

  async startRollout(write: StartRolloutWrite): Promise<boolean> {
    const { rollout } = write;
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.pointEnvironment(trx, write);
        if (write.replaced) await this.updateAtRevision(trx, write.replaced);
        await trx.insertInto('rollouts').values(toRow(rollout)).execute();
      });
      return true;
    } catch (error) {
      if (error instanceof Conflict || isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async saveRollout(rollout: Rollout, stableVersion: number | undefined): Promise<Rollout | undefined> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.updateAtRevision(trx, rollout);
        await trx
          .updateTable('environments')
          .set({ stable_version: stableVersion ?? null, updated_at: rollout.updatedAt })
          .where('name', '=', rollout.environment)
          .where('current_rollout_id', '=', rollout.id)
          .execute();
      });
    } catch (error) {
      if (error instanceof Conflict) return undefined;
      throw error;
    }
    return { ...rollout, revision: rollout.revision + 1 };
  }

  /** Compare-and-set of the environment's current rollout (an insert for its first rollout). */
  private async pointEnvironment(trx: Transaction<Database>, write: StartRolloutWrite): Promise<void> {
    const { rollout } = write;
    const values = { current_rollout_id: rollout.id, stable_version: write.stableVersion ?? null, model: rollout.model, updated_at: rollout.updatedAt };
    if (write.expectedCurrentId === undefined) {
      // First rollout: the insert fails with a unique violation if another deploy made the row.
      const updated = await trx.updateTable('environments').set(values).where('name', '=', rollout.environment).where('current_rollout_id', 'is', null).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await trx.insertInto('environments').values({ name: rollout.environment, ...values }).execute();
      return;
    }
    const updated = await trx.updateTable('environments').set(values).where('name', '=', rollout.environment).where('current_rollout_id', '=', write.expectedCurrentId).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new Conflict();
  }

  private async updateAtRevision(trx: Transaction<Database>, rollout: Rollout): Promise<void> {
    const updated = await trx
      .updateTable('rollouts')
      .set({ ...stateColumns(rollout), revision: rollout.revision + 1 })
      .where('id', '=', rollout.id)
      .where('revision', '=', rollout.revision)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new Conflict();
  }
}

/**
 * {@link MetadataStore} over Kysely. The queries use only what SQLite and PostgreSQL share, so
 * this one class is the store for both; dialect differences stay in `connect.ts`.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, PipelineRunsTable, StageRunsTable } from './database.js';
import type { JsonValue, NewPipelineRun, PipelineRun, PipelineRunStatus, RunCacheEntry, StageRun } from './entities.js';
import { pipelineRunNotFound } from './errors.js';
import type { MetadataStore, StoreConnection } from './metadata-store.js';

export class KyselyMetadataStore implements MetadataStore {
  readonly dialect: 'sqlite' | 'postgres';
  private readonly db: Kysely<Database>;

  constructor(
    readonly connection: StoreConnection,
    private readonly onClose: () => Promise<void> = async () => connection.db.destroy(),
  ) {
    this.db = connection.db;
    this.dialect = connection.dialect;
  }

  async beginPipelineRun(run: NewPipelineRun): Promise<PipelineRun> {
    await this.db
      .insertInto('pipeline_runs')
      .values({
        id: run.id,
        started_at: run.startedAt,
        ended_at: null,
        status: 'running',
        git_commit: run.gitCommit ?? null,
        git_branch: run.gitBranch ?? null,
        git_dirty: run.gitDirty ? 1 : 0,
        user_name: run.user,
        command: run.command,
        params: JSON.stringify(run.params),
        metrics: '{}',
      })
      .execute();
    return { ...run, endedAt: undefined, status: 'running', metrics: {} };
  }

  async finishPipelineRun(
    id: string,
    outcome: { status: Exclude<PipelineRunStatus, 'running'>; endedAt: number; metrics: JsonValue },
  ): Promise<void> {
    const result = await this.db
      .updateTable('pipeline_runs')
      .set({ status: outcome.status, ended_at: outcome.endedAt, metrics: JSON.stringify(outcome.metrics) })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw pipelineRunNotFound({ id });
  }

  async recordStageRun(stageRun: StageRun): Promise<void> {
    const row = {
      run_id: stageRun.runId,
      stage: stageRun.stage,
      status: stageRun.status,
      started_at: stageRun.startedAt,
      duration_ms: Math.round(stageRun.durationMs),
      run_cache_key: stageRun.runCacheKey ?? null,
      exit_code: stageRun.exitCode ?? null,
      lock: JSON.stringify(stageRun.lock),
      log_path: stageRun.logPath ?? null,
      message: stageRun.message ?? null,
    };
    const { run_id: _runId, stage: _stage, ...update } = row;
    await this.db
      .insertInto('stage_runs')
      .values(row)
      .onConflict((conflict) => conflict.columns(['run_id', 'stage']).doUpdateSet(update))
      .execute();
  }

  async getPipelineRun(id: string): Promise<PipelineRun | undefined> {
    const row = await this.db.selectFrom('pipeline_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPipelineRun(row) : undefined;
  }

  async listPipelineRuns(options: { limit?: number } = {}): Promise<PipelineRun[]> {
    const rows = await this.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
      .execute();
    return rows.map(toPipelineRun);
  }

  async listStageRuns(runId: string): Promise<StageRun[]> {
    const rows = await this.db
      .selectFrom('stage_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('started_at')
      .orderBy('stage')
      .execute();
    return rows.map(toStageRun);
  }

  async getRunCacheEntry(key: string): Promise<RunCacheEntry | undefined> {
    const row = await this.db.selectFrom('run_cache').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) return undefined;
    return { key: row.key, stage: row.stage, outs: JSON.parse(row.outs) as JsonValue, createdAt: Number(row.created_at) };
  }

  async putRunCacheEntry(entry: RunCacheEntry): Promise<void> {
    const values = { stage: entry.stage, outs: JSON.stringify(entry.outs), created_at: entry.createdAt };
    await this.db
      .insertInto('run_cache')
      .values({ key: entry.key, ...values })
      .onConflict((conflict) => conflict.column('key').doUpdateSet(values))
      .execute();
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

function toPipelineRun(row: Selectable<PipelineRunsTable>): PipelineRun {
  return {
    id: row.id,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
    status: row.status as PipelineRunStatus,
    gitCommit: row.git_commit ?? undefined,
    gitBranch: row.git_branch ?? undefined,
    gitDirty: row.git_dirty === 1,
    user: row.user_name,
    command: row.command,
    params: JSON.parse(row.params) as JsonValue,
    metrics: JSON.parse(row.metrics) as JsonValue,
  };
}

function toStageRun(row: Selectable<StageRunsTable>): StageRun {
  return {
    runId: row.run_id,
    stage: row.stage,
    status: row.status,
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration_ms),
    runCacheKey: row.run_cache_key ?? undefined,
    exitCode: row.exit_code ?? undefined,
    lock: JSON.parse(row.lock) as JsonValue,
    logPath: row.log_path ?? undefined,
    message: row.message ?? undefined,
  };
}

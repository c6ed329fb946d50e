/**
 * {@link MetadataStore} over Kysely. The queries use only what SQLite and PostgreSQL share, so
 * this one class is the store for both; dialect differences stay in `connect.ts`.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PipelineRunsTable, StageRunsTable } from './database.js';
import type { DirectoryCacheEntry, JsonValue, NewPipelineRun, PipelineRun, PipelineRunStatus, RunCacheEntry, StageRun, StatCacheEntry } from './entities.js';
import { pipelineRunNotFound } from './errors.js';
import type { MetadataStore, StoreConnection } from './metadata-store.js';

/** Rows per INSERT: keeps statements under SQLite's bound-parameter limit. */
const INSERT_BATCH = 500;

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

  async loadStatCache(workspace: string, filter: { readonly paths?: readonly string[]; readonly under?: string } = {}): Promise<StatCacheEntry[]> {
    const query = this.db.selectFrom('stat_cache').select(['path', 'inode', 'size', 'mtime_ns', 'hash']).where('workspace', '=', workspace);
    let rows: { path: string; inode: string; size: number | string; mtime_ns: string; hash: string }[];
    if (filter.paths !== undefined) {
      rows = [];
      for (let start = 0; start < filter.paths.length; start += INSERT_BATCH) {
        rows.push(...(await query.where('path', 'in', filter.paths.slice(start, start + INSERT_BATCH)).execute()));
      }
    } else if (filter.under !== undefined) {
      // A byte-exact prefix test: range comparisons would follow PostgreSQL's collation, which may not sort '/' before '0'.
      const prefix = `${filter.under}/`;
      rows = await query.where(sql<string>`substr(path, 1, ${Array.from(prefix).length})`, '=', prefix).execute();
    } else {
      rows = await query.execute();
    }
    return rows.map((row) => ({ path: row.path, inode: row.inode, size: Number(row.size), mtimeNs: row.mtime_ns, hash: row.hash }));
  }

  async saveStatCache(workspace: string, entries: readonly StatCacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (transaction) => {
      for (let start = 0; start < entries.length; start += INSERT_BATCH) {
        const rows = entries.slice(start, start + INSERT_BATCH).map((entry) => ({
          workspace,
          path: entry.path,
          inode: entry.inode,
          size: entry.size,
          mtime_ns: entry.mtimeNs,
          hash: entry.hash,
        }));
        await transaction
          .insertInto('stat_cache')
          .values(rows)
          .onConflict((conflict) =>
            conflict.columns(['workspace', 'path']).doUpdateSet((update) => ({
              inode: update.ref('excluded.inode'),
              size: update.ref('excluded.size'),
              mtime_ns: update.ref('excluded.mtime_ns'),
              hash: update.ref('excluded.hash'),
            })),
          )
          .execute();
      }
    });
  }

  async deleteStatCache(workspace: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.db.transaction().execute(async (transaction) => {
      for (let start = 0; start < paths.length; start += INSERT_BATCH) {
        await transaction
          .deleteFrom('stat_cache')
          .where('workspace', '=', workspace)
          .where('path', 'in', paths.slice(start, start + INSERT_BATCH))
          .execute();
      }
    });
  }

  async loadDirectoryCache(workspace: string): Promise<DirectoryCacheEntry[]> {
    const rows = await this.db
      .selectFrom('directory_cache')
      .select(['path', 'fingerprint', 'object_id', 'size', 'file_count'])
      .where('workspace', '=', workspace)
      .execute();
    return rows.map((row) => ({ path: row.path, fingerprint: row.fingerprint, objectId: row.object_id, size: Number(row.size), fileCount: Number(row.file_count) }));
  }

  async saveDirectoryCache(workspace: string, entries: readonly DirectoryCacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({
      workspace,
      path: entry.path,
      fingerprint: entry.fingerprint,
      object_id: entry.objectId,
      size: entry.size,
      file_count: entry.fileCount,
    }));
    await this.db
      .insertInto('directory_cache')
      .values(rows)
      .onConflict((conflict) =>
        conflict.columns(['workspace', 'path']).doUpdateSet((update) => ({
          fingerprint: update.ref('excluded.fingerprint'),
          object_id: update.ref('excluded.object_id'),
          size: update.ref('excluded.size'),
          file_count: update.ref('excluded.file_count'),
        })),
      )
      .execute();
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

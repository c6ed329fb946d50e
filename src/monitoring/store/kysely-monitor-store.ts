/** {@link MonitorStore} over Kysely, for SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import type { Database, StoreConnection } from '../../store/index.js';
import type { CheckName, CheckResult, CheckStatus } from '../checks/check-result.js';
import type { LogPosition } from '../log/read-prediction-log.js';
import type { MonitorStore, MonitorWindow } from './monitor-store.js';

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export class KyselyMonitorStore implements MonitorStore {
  private readonly db: Kysely<Database>;

  constructor(connection: StoreConnection) {
    this.db = connection.db;
  }

  async position(environment: string): Promise<LogPosition> {
    const row = await this.db.selectFrom('monitor_positions').select('position').where('environment', '=', environment).executeTakeFirst();
    return row ? (JSON.parse(row.position) as LogPosition) : {};
  }

  async closeWindow(window: MonitorWindow, position: LogPosition): Promise<void> {
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      // The write first: SQLite takes its write lock at once (see the rollout store).
      await trx
        .insertInto('monitor_positions')
        .values({ environment: window.environment, position: JSON.stringify(position), updated_at: now })
        .onConflict((conflict) => conflict.column('environment').doUpdateSet({ position: JSON.stringify(position), updated_at: now }))
        .execute();
      await trx
        .insertInto('monitor_windows')
        .values({ id: window.id, environment: window.environment, started_at: window.startedAt, ended_at: window.endedAt, rows: window.rows, versions: window.versions.join(','), closed_at: window.closedAt })
        .execute();
      if (window.results.length > 0) {
        await trx
          .insertInto('monitor_results')
          .values(window.results.map((result) => ({ window_id: window.id, check_name: result.check, status: result.status, summary: result.summary, check_values: JSON.stringify(result.values) })))
          .execute();
      }
    });
  }

  async windows(environment: string, options: { limit?: number; since?: number } = {}): Promise<MonitorWindow[]> {
    let query = this.db.selectFrom('monitor_windows').selectAll().where('environment', '=', environment);
    if (options.since !== undefined) query = query.where('ended_at', '>=', options.since);
    const rows = await query.orderBy('ended_at', 'desc').orderBy('closed_at', 'desc').limit(options.limit ?? 100).execute();
    if (rows.length === 0) return [];
    const results = await this.db
      .selectFrom('monitor_results')
      .selectAll()
      .where(
        'window_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const byWindow = new Map<string, CheckResult[]>();
    for (const result of results) {
      const list = byWindow.get(result.window_id) ?? [];
      list.push({ check: result.check_name as CheckName, status: result.status as CheckStatus, summary: result.summary, values: JSON.parse(result.check_values) as Record<string, unknown> });
      byWindow.set(result.window_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      environment: row.environment,
      startedAt: toNumber(row.started_at),
      endedAt: toNumber(row.ended_at),
      rows: row.rows,
      versions: row.versions === '' ? [] : row.versions.split(','),
      closedAt: toNumber(row.closed_at),
      results: byWindow.get(row.id) ?? [],
    }));
  }
}

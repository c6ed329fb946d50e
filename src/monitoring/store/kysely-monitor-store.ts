/** {@link MonitorStore} over Kysely, for SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import type { Database, StoreConnection } from '../../store/index.js';
import type { CheckName, CheckResult, CheckStatus } from '../checks/check-result.js';
import type { LogPosition } from '../log/read-prediction-log.js';
import type { AlertState } from '../alerts/alert-decision.js';
import type { MonitorAlert, MonitorStore, MonitorWindow, WindowOutcome } from './monitor-store.js';

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

  async alertStates(environment: string): Promise<Record<string, AlertState>> {
    const rows = await this.db.selectFrom('monitor_alert_states').selectAll().where('environment', '=', environment).execute();
    return Object.fromEntries(rows.map((row) => [row.rule, { active: row.active === 1, lastFiredAt: row.last_fired_at === null ? undefined : toNumber(row.last_fired_at) }]));
  }

  async alerts(environment: string, options: { limit?: number } = {}): Promise<MonitorAlert[]> {
    const rows = await this.db.selectFrom('monitor_alerts').selectAll().where('environment', '=', environment).orderBy('fired_at', 'desc').limit(options.limit ?? 100).execute();
    return rows.map((row) => ({
      id: row.id,
      environment: row.environment,
      rule: row.rule,
      severity: row.severity,
      windowId: row.window_id,
      firedAt: toNumber(row.fired_at),
      message: row.message,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }

  async closeWindow(window: MonitorWindow, outcome: WindowOutcome): Promise<void> {
    const { position } = outcome;
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
      for (const [rule, state] of Object.entries(outcome.alertStates)) {
        const values = { active: state.active ? 1 : 0, last_fired_at: state.lastFiredAt ?? null };
        await trx
          .insertInto('monitor_alert_states')
          .values({ environment: window.environment, rule, ...values })
          .onConflict((conflict) => conflict.columns(['environment', 'rule']).doUpdateSet(values))
          .execute();
      }
      if (outcome.alerts.length > 0) {
        await trx
          .insertInto('monitor_alerts')
          .values(
            outcome.alerts.map((alert) => ({
              id: alert.id,
              environment: alert.environment,
              rule: alert.rule,
              severity: alert.severity,
              window_id: alert.windowId,
              fired_at: alert.firedAt,
              message: alert.message,
              details: JSON.stringify(alert.details),
            })),
          )
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

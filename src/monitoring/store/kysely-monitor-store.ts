/** {@link MonitorStore} over Kysely, for SQLite and PostgreSQL. */
import type { Database, StoreConnection } from '../../store/index.js';
import type { CheckName, CheckResult, CheckStatus } from '../checks/check-result.js';
import type { LogPosition } from '../log/read-prediction-log.js';
import type { AlertState } from '../alerts/alert-decision.js';
import type { LogSpan, MonitorAlert, MonitorStore, MonitorWindow, RescoreOutcome, WindowOutcome } from './monitor-store.js';
import type { Kysely, Transaction } from 'kysely';

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

  async closeWindow(window: MonitorWindow, outcome: WindowOutcome): Promise<boolean> {
    const { position } = outcome;
    const now = Date.now();
    return await this.db.transaction().execute(async (trx) => {
      // The write first: SQLite takes its write lock at once (see the rollout store); then the
      // position is checked under that lock.
      await trx.updateTable('monitor_positions').set({ updated_at: now }).where('environment', '=', window.environment).execute();
      const stored = await trx.selectFrom('monitor_positions').select('position').where('environment', '=', window.environment).executeTakeFirst();
      if (!samePosition(stored ? (JSON.parse(stored.position) as LogPosition) : {}, outcome.from)) return false;
      await trx
        .insertInto('monitor_positions')
        .values({ environment: window.environment, position: JSON.stringify(position), updated_at: now })
        .onConflict((conflict) => conflict.column('environment').doUpdateSet({ position: JSON.stringify(position), updated_at: now }))
        .execute();
      await trx
        .insertInto('monitor_windows')
        .values({
          id: window.id,
          environment: window.environment,
          started_at: window.startedAt,
          ended_at: window.endedAt,
          rows: window.rows,
          versions: window.versions.join(','),
          closed_at: window.closedAt,
          log_from: JSON.stringify(outcome.from),
          log_to: JSON.stringify(position),
        })
        .execute();
      if (window.results.length > 0) {
        await trx
          .insertInto('monitor_results')
          .values(window.results.map((result) => resultRow(window.id, result)))
          .execute();
      }
      await writeAlerts(trx, window.environment, outcome);
      return true;
    });
  }

  async feedbackMark(environment: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('monitor_positions').select('feedback').where('environment', '=', environment).executeTakeFirst();
    return row?.feedback ?? undefined;
  }

  async windowsWithSpans(environment: string, options: { closedSince: number; limit: number }): Promise<{ window: MonitorWindow; span: LogSpan }[]> {
    const rows = await this.db
      .selectFrom('monitor_windows')
      .select(['id', 'log_from', 'log_to'])
      .where('environment', '=', environment)
      .where('closed_at', '>=', options.closedSince)
      .where('log_from', 'is not', null)
      .orderBy('closed_at', 'desc')
      .limit(options.limit)
      .execute();
    if (rows.length === 0) return [];
    const windows = new Map((await this.windowsById(rows.map((row) => row.id))).map((window) => [window.id, window]));
    return rows.map((row) => ({ window: windows.get(row.id)!, span: { from: JSON.parse(row.log_from!) as LogPosition, to: JSON.parse(row.log_to!) as LogPosition } }));
  }

  async rescore(environment: string, outcome: RescoreOutcome): Promise<void> {
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('monitor_positions')
        .values({ environment, position: '{}', updated_at: now, feedback: outcome.feedbackMark })
        .onConflict((conflict) => conflict.column('environment').doUpdateSet({ feedback: outcome.feedbackMark, updated_at: now }))
        .execute();
      for (const window of outcome.windows) {
        await trx.updateTable('monitor_windows').set({ rescored_at: window.rescoredAt ?? now }).where('id', '=', window.id).execute();
        await trx.deleteFrom('monitor_results').where('window_id', '=', window.id).execute();
        if (window.results.length > 0) await trx.insertInto('monitor_results').values(window.results.map((result) => resultRow(window.id, result))).execute();
      }
      await writeAlerts(trx, environment, outcome);
    });
  }

  async windows(environment: string, options: { limit?: number; since?: number } = {}): Promise<MonitorWindow[]> {
    let query = this.db.selectFrom('monitor_windows').select('id').where('environment', '=', environment);
    if (options.since !== undefined) query = query.where('ended_at', '>=', options.since);
    const rows = await query.orderBy('ended_at', 'desc').orderBy('closed_at', 'desc').limit(options.limit ?? 100).execute();
    const windows = new Map((await this.windowsById(rows.map((row) => row.id))).map((window) => [window.id, window]));
    return rows.map((row) => windows.get(row.id)!);
  }

  private async windowsById(ids: readonly string[]): Promise<MonitorWindow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('monitor_windows').selectAll().where('id', 'in', ids).execute();
    const results = await this.db.selectFrom('monitor_results').selectAll().where('window_id', 'in', ids).execute();
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
      ...(row.rescored_at === null ? {} : { rescoredAt: toNumber(row.rescored_at) }),
    }));
  }
}

/** Positions are equal when every file is at the same offset (key order aside). */
function samePosition(a: LogPosition, b: LogPosition): boolean {
  const files = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const file of files) if ((a[file] ?? 0) !== (b[file] ?? 0)) return false;
  return true;
}

function resultRow(windowId: string, result: CheckResult) {
  return { window_id: windowId, check_name: result.check, status: result.status, summary: result.summary, check_values: JSON.stringify(result.values) };
}

/** Each rule's state after a window (or a re-scoring), and the alerts raised. */
async function writeAlerts(trx: Transaction<Database>, environment: string, outcome: { readonly alertStates: Readonly<Record<string, AlertState>>; readonly alerts: readonly MonitorAlert[] }): Promise<void> {
  for (const [rule, state] of Object.entries(outcome.alertStates)) {
    const values = { active: state.active ? 1 : 0, last_fired_at: state.lastFiredAt ?? null };
    await trx
      .insertInto('monitor_alert_states')
      .values({ environment, rule, ...values })
      .onConflict((conflict) => conflict.columns(['environment', 'rule']).doUpdateSet(values))
      .execute();
  }
  if (outcome.alerts.length === 0) return;
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

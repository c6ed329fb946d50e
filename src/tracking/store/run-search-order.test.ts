/**
 * The orders run search serves from its indexes (issue 20), on SQLite and PostgreSQL, with
 * MLflow's tie-breakers: runs equal on the ordering key come newest first, then by run id; a run
 * without the key, or without an end time, comes last in both directions. Tags, params and
 * metrics are written through the tracking service by every path that writes them (a run's
 * creation, a batch, a single tag, a rename), so the start time each row carries for the index
 * is checked here too. And migration 0008 fills that start time in for runs logged before it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { openMetadataStore, parseStoreUrl } from '../../store/index.js';
import { createTrackingService, openTrackingStores, type TrackingService } from '../index.js';

for (const [backend, open] of Object.entries(STORE_BACKENDS)) {
  describe(`run search order on ${backend}`, () => {
    let opened: OpenedStore;
    let tracking: TrackingService;
    let experimentId: string;
    let clock = 1_700_000_000_000;
    before(async () => {
      opened = await open();
      tracking = createTrackingService({ store: openTrackingStores(opened.store.connection).store, clock: () => clock++ });
      experimentId = (await tracking.createExperiment({ name: 'order' })).experimentId;
      // Oldest first: a (x, ended), b (x, running), c (y, ended), d (no team, running).
      const a = await tracking.createRun({ experimentId, runName: 'a', tags: [{ key: 'team', value: 'x' }] });
      await tracking.logBatch(a.info.runId, { params: [{ key: 'C', value: '1' }], metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }] });
      const b = await tracking.createRun({ experimentId, runName: 'b' });
      await tracking.logBatch(b.info.runId, { tags: [{ key: 'team', value: 'x' }], params: [{ key: 'C', value: '1' }], metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }] });
      const c = await tracking.createRun({ experimentId, runName: 'c' });
      await tracking.setTag(c.info.runId, 'team', 'y');
      await tracking.logParam(c.info.runId, 'C', '0.1');
      await tracking.logMetric(c.info.runId, { key: 'auc', value: 0.8, timestamp: 1 });
      const d = await tracking.createRun({ experimentId, runName: 'd-old' });
      await tracking.updateRun(d.info.runId, { runName: 'd' });
      clock += 1000;
      await tracking.endRun(c.info.runId);
      await tracking.endRun(a.info.runId);
    });
    after(async () => opened?.dispose());

    const names = async (orderBy: string[], maxResults?: number) => {
      const seen: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await tracking.searchRuns({ experimentIds: [experimentId], orderBy, maxResults, pageToken });
        seen.push(...page.items.map((run) => run.info.runName));
        pageToken = page.nextPageToken;
      } while (pageToken);
      return seen;
    };

    test('every param, tag and latest metric row carries its run start time, whichever path wrote it', async () => {
      const db = opened.store.connection.db;
      for (const table of ['run_params', 'run_tags', 'latest_metrics'] as const) {
        const rows = await db.selectFrom(table).innerJoin('runs', 'runs.run_id', `${table}.run_id`).select(['runs.start_time', `${table}.run_start_time`, `${table}.key`]).where('runs.experiment_id', '=', experimentId).execute();
        assert.ok(rows.length >= 3, table);
        for (const row of rows) assert.equal(Number(row.run_start_time), Number(row.start_time), `${table} ${row.key}`);
      }
    });

    test('runs tied on a tag come newest first, and runs without it last, in both directions', async () => {
      assert.deepEqual(await names(['tags.team ASC']), ['b', 'a', 'c', 'd']);
      assert.deepEqual(await names(['tags.team DESC']), ['c', 'b', 'a', 'd']);
      assert.deepEqual(await names(['tags.team DESC'], 1), ['c', 'b', 'a', 'd']);
    });

    test('runs tied on a param or a metric come newest first', async () => {
      assert.deepEqual(await names(['params.C DESC']), ['b', 'a', 'c', 'd']);
      assert.deepEqual(await names(['metrics.auc DESC'], 1), ['b', 'a', 'c', 'd']);
      assert.deepEqual(await names(['metrics.auc ASC']), ['c', 'b', 'a', 'd']);
    });

    test('runs without an end time come last, newest first, in both directions', async () => {
      assert.deepEqual(await names(['attributes.end_time ASC']), ['c', 'a', 'd', 'b']);
      assert.deepEqual(await names(['attributes.end_time DESC'], 1), ['a', 'c', 'd', 'b']);
    });

    test('runs tied on status come newest first; names order as text', async () => {
      assert.deepEqual(await names(['attributes.status ASC']), ['c', 'a', 'd', 'b']);
      assert.deepEqual(await names(['attributes.status DESC'], 3), ['d', 'b', 'c', 'a']);
      assert.deepEqual(await names(['attributes.run_name DESC']), ['d', 'c', 'b', 'a']);
      assert.deepEqual(await names([]), ['d', 'c', 'b', 'a']);
    });
  });
}

describe('migration 0008 on a store with runs', () => {
  const dir = makeTempDir();
  after(() => dir.remove());

  test('params, tags and latest metrics logged before it get their run start time', async () => {
    const path = `${dir.path}/sluice.db`;
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Sqlite(path) }) }); // the schema before 0008
    const before0008 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0008'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before0008 }, migrationTableName: 'sluice_migrations', migrationLockTableName: 'sluice_migrations_lock' }).migrateToLatest();
    assert.equal(error, undefined);
    await db.insertInto('experiments').values({ experiment_id: '1', name: 'old', artifact_location: 'x', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 }).execute();
    await db.insertInto('runs').values({ run_id: 'r1', experiment_id: '1', run_name: 'old', user_id: 'u', status: 'FINISHED', start_time: 1234, end_time: null, lifecycle_stage: 'active', artifact_uri: 'x', deleted_time: null }).execute();
    await db.insertInto('run_params').values({ run_id: 'r1', key: 'C', value: '1' }).execute();
    await db.insertInto('run_tags').values({ run_id: 'r1', key: 'team', value: 'x' }).execute();
    await db.insertInto('latest_metrics').values({ run_id: 'r1', key: 'auc', step: 0, timestamp: 1, value: 0.5, is_nan: 0 }).execute();
    await db.destroy();

    const store = await openMetadataStore(parseStoreUrl(path, dir.path));
    try {
      for (const table of ['run_params', 'run_tags', 'latest_metrics'] as const) {
        const row = await store.connection.db.selectFrom(table).select('run_start_time').executeTakeFirstOrThrow();
        assert.equal(Number(row.run_start_time), 1234, table);
      }
    } finally {
      await store.close();
    }
  });
});

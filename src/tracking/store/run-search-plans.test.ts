/**
 * Run search's query plans, on SQLite and PostgreSQL (issue 20): every ordering MLflow clients
 * and its UI use — start time (the default), end time, run name, status, a metric, a param, a
 * tag, each ascending and descending, with and without filters — is read from an index in
 * order, never by sorting the matching runs. The plans are those of the statements search
 * runs, explained on 12,000 seeded runs with fresh statistics (enough for PostgreSQL's planner
 * to prefer an index walk to a sort).
 *
 * Ordered by a key, a second statement finds the runs without it, once a page reaches them.
 * SQLite walks the start-time index for those too; PostgreSQL may instead anti-join and sort
 * just the runs without the key, when its statistics say that is cheaper (a few percent of the
 * runs here); the test allows that sort and no other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import { seedRuns } from '../../../test/support/seed-runs.js';
import type { Database } from '../../store/index.js';
import { parseFilter, parseOrderBy, RUN_SEARCH } from '../search/index.js';
import { searchStatements } from './run-search.js';
import type { Dialect } from './sql-conditions.js';

const RUNS = 12_000;

const ORDERINGS = [
  [],
  ['attributes.start_time DESC'],
  ['attributes.start_time ASC'],
  ['attributes.end_time DESC'],
  ['attributes.end_time ASC'],
  ['attributes.run_name ASC'],
  ['attributes.run_name DESC'],
  ['attributes.status ASC'],
  ['attributes.status DESC'],
  ['metrics.roc_auc DESC'],
  ['metrics.roc_auc ASC'],
  ['params.C ASC'],
  ['params.C DESC'],
  ['tags.team ASC'],
  ['tags.team DESC'],
] as const;

const FILTERS = [undefined, "tags.team = 'risk'", "params.algorithm = 'gbdt'", 'metrics.f1 > 0.9'] as const;

/** The plan of each statement a search runs, one line per plan node. */
async function plans(db: Kysely<Database>, dialect: Dialect, experimentId: string, orderBy: readonly string[], filter: string | undefined): Promise<string[]> {
  const query = { experimentIds: [experimentId], clauses: parseFilter(filter, RUN_SEARCH), order: parseOrderBy(orderBy, RUN_SEARCH), viewType: 'ACTIVE_ONLY' as const, limit: 101, offset: 0 };
  const explained: string[] = [];
  for (const statement of searchStatements(dialect, query)) {
    const compiled = statement.compile(db);
    const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
    const { rows } = await db.executeQuery<Record<string, string>>(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
    explained.push(rows.map((row) => (dialect === 'sqlite' ? row['detail'] : row['QUERY PLAN'])).join('\n'));
  }
  return explained;
}

function describeSearch(orderBy: readonly string[], filter: string | undefined): string {
  return `${orderBy.length === 0 ? 'the default order' : orderBy.join(', ')}${filter ? ` where ${filter}` : ''}`;
}

for (const [backend, open] of Object.entries(STORE_BACKENDS)) {
  const dialect = backend as Dialect;
  describe(`run search plans on ${backend}`, () => {
    let opened: OpenedStore;
    let experimentId: string;
    before(async () => {
      opened = await open();
      const db = opened.store.connection.db;
      // Runs in a second experiment too, so that the experiment is a real condition.
      await db.insertInto('experiments').values([
        { experiment_id: '1', name: 'plans', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 },
        { experiment_id: '2', name: 'other', artifact_location: 'mlflow-artifacts:/2', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 },
      ]).execute();
      await seedRuns(db, '2', RUNS / 4, 7);
      await seedRuns(db, '1', RUNS);
      experimentId = '1';
    });
    after(async () => opened?.dispose());

    for (const orderBy of ORDERINGS) {
      test(`${describeSearch(orderBy, undefined)} (and with a tag, a param or a metric filter) walks an index without sorting`, async () => {
        for (const filter of FILTERS) {
          for (const [index, plan] of (await plans(opened.store.connection.db, dialect, experimentId, orderBy, filter)).entries()) {
            const where = `${describeSearch(orderBy, filter)}:\n${plan}`;
            const withoutKey = index === 1;
            if (dialect === 'sqlite') assert.doesNotMatch(plan, /TEMP B-TREE/, where);
            // A sort of the anti-join's rows (the runs without the key) only.
            else if (withoutKey) assert.match(plan, /^(?![\s\S]*Sort)|Sort Key[\s\S]*Anti Join/, where);
            else assert.doesNotMatch(plan, /Sort/, where);
          }
        }
      });
    }
  });
}

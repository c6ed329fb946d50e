/**
 * The metadata store contract, run against every backend: SQLite in a temp file and PostgreSQL
 * in a private schema on the machine's server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { openMetadataStore, parseStoreUrl, type MetadataStore, type NewPipelineRun } from './index.js';

type StoreFactory = () => Promise<{ store: MetadataStore; dispose(): Promise<void> }>;

const BACKENDS: Record<string, StoreFactory> = {
  sqlite: async () => {
    const dir = makeTempDir();
    const store = await openMetadataStore(parseStoreUrl('.sluice/sluice.db', dir.path));
    return { store, dispose: async () => { await store.close(); dir.remove(); } };
  },
  postgres: async () => {
    const schema: TestSchema = await createTestSchema();
    const store = await openMetadataStore(parseStoreUrl(schema.url, '/'));
    return { store, dispose: async () => { await store.close(); await schema.drop(); } };
  },
};

function newRun(id: string, startedAt: number): NewPipelineRun {
  return {
    id,
    startedAt,
    gitCommit: 'a'.repeat(40),
    gitBranch: 'main',
    gitDirty: true,
    user: 'alice',
    command: 'sluice run',
    params: { 'params.yaml': { 'train.lr': 0.1 } },
  };
}

export function describeStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`metadata store contract: ${name}`, () => {
    let store: MetadataStore;
    let dispose: () => Promise<void>;
    before(async () => ({ store, dispose } = await makeStore()));
    after(async () => dispose());

    test('a begun pipeline run reads back as running with its git state and params', async () => {
      await store.beginPipelineRun(newRun('run-begin', 1_700_000_000_123));
      const run = await store.getPipelineRun('run-begin');
      assert.deepEqual(run, { ...newRun('run-begin', 1_700_000_000_123), status: 'running', endedAt: undefined, metrics: {} });
    });

    test('finishing a run records status, end time and metrics', async () => {
      await store.beginPipelineRun(newRun('run-finish', 1_000));
      await store.finishPipelineRun('run-finish', { status: 'succeeded', endedAt: 2_500, metrics: { 'metrics.json': { auc: 0.99 } } });
      const run = await store.getPipelineRun('run-finish');
      assert.equal(run?.status, 'succeeded');
      assert.equal(run?.endedAt, 2_500);
      assert.deepEqual(run?.metrics, { 'metrics.json': { auc: 0.99 } });
    });

    test('finishing an unknown run fails with a not-found error', async () => {
      await assert.rejects(
        store.finishPipelineRun('no-such-run', { status: 'failed', endedAt: 1, metrics: {} }),
        (error: Error & { code?: string }) => error.code === 'SLUICE_STORE_PIPELINE_RUN_NOT_FOUND',
      );
    });

    test('runs are listed newest first, up to the limit', async () => {
      for (const [index, id] of ['list-a', 'list-b', 'list-c'].entries()) await store.beginPipelineRun(newRun(id, 5_000_000_000_000 + index));
      const runs = await store.listPipelineRuns({ limit: 2 });
      assert.deepEqual(runs.map((run) => run.id), ['list-c', 'list-b']);
    });

    test('stage runs are recorded per run and a second record of a stage replaces the first', async () => {
      await store.beginPipelineRun(newRun('run-stages', 10));
      const base = { runId: 'run-stages', startedAt: 11, durationMs: 5, runCacheKey: 'k1', exitCode: 0, logPath: '/tmp/x.log', message: undefined };
      await store.recordStageRun({ ...base, stage: 'prepare', status: 'ran', lock: { outs: [{ path: 'a', hash: 'blake3:00' }] } });
      await store.recordStageRun({ ...base, stage: 'train', startedAt: 12, status: 'failed', exitCode: 2, lock: {} });
      await store.recordStageRun({ ...base, stage: 'train', startedAt: 12, status: 'ran', exitCode: 0, lock: { x: 1 } });
      const stages = await store.listStageRuns('run-stages');
      assert.deepEqual(stages.map((stage) => [stage.stage, stage.status, stage.exitCode]), [['prepare', 'ran', 0], ['train', 'ran', 0]]);
      assert.deepEqual(stages[0]?.lock, { outs: [{ path: 'a', hash: 'blake3:00' }] });
    });

    test('the run cache returns the latest entry for a key and nothing for an unknown key', async () => {
      await store.putRunCacheEntry({ key: 'key-1', stage: 'train', outs: [{ path: 'model', hash: 'blake3:1' }], createdAt: 1 });
      await store.putRunCacheEntry({ key: 'key-1', stage: 'train', outs: [{ path: 'model', hash: 'blake3:2' }], createdAt: 2 });
      assert.deepEqual(await store.getRunCacheEntry('key-1'), { key: 'key-1', stage: 'train', outs: [{ path: 'model', hash: 'blake3:2' }], createdAt: 2 });
      assert.equal(await store.getRunCacheEntry('key-unknown'), undefined);
    });
  });
}

for (const [name, factory] of Object.entries(BACKENDS)) describeStoreContract(name, factory);

describe('store URLs', () => {
  test('a plain relative path is a SQLite file under the base directory', () => {
    assert.deepEqual(parseStoreUrl('.sluice/sluice.db', '/repo'), { dialect: 'sqlite', path: join('/repo', '.sluice/sluice.db') });
  });

  test('a postgres URL keeps its schema parameter apart from the connection string', () => {
    assert.deepEqual(parseStoreUrl('postgres://u@h:5432/db?schema=ml', '/'), {
      dialect: 'postgres',
      connectionString: 'postgres://u@h:5432/db',
      schema: 'ml',
    });
  });

  test('an unknown scheme is refused with a hint listing the accepted forms', () => {
    assert.throws(() => parseStoreUrl('mysql://h/db', '/'), (error: Error & { code?: string; hint?: string }) =>
      error.code === 'SLUICE_STORE_UNSUPPORTED_URL' && /postgres:\/\//.test(error.hint ?? ''));
  });

  test('two PostgreSQL schemas in one database each get their own tables', async () => {
    const [first, second] = [await createTestSchema(), await createTestSchema()];
    try {
      for (const schema of [first, second]) {
        const store = await openMetadataStore(parseStoreUrl(schema.url, '/'));
        await store.putRunCacheEntry({ key: schema.schema, stage: 's', outs: [], createdAt: 1 });
        await store.close();
      }
      const store = await openMetadataStore(parseStoreUrl(second.url, '/'));
      assert.equal(await store.getRunCacheEntry(first.schema), undefined);
      assert.equal((await store.getRunCacheEntry(second.schema))?.key, second.schema);
      await store.close();
    } finally {
      await first.drop();
      await second.drop();
    }
  });

  test('an unreachable PostgreSQL server is reported as unavailable, not as a crash', async () => {
    await assert.rejects(openMetadataStore(parseStoreUrl('postgres://postgres@127.0.0.1:1/test', '/')), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_STORE_UNAVAILABLE');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { guardStore } from './guard-store.js';
import type { MetadataStore } from './metadata-store.js';

/** A store whose every call fails with `error`. */
function failingStore(error: unknown): MetadataStore {
  class Failing {
    readonly dialect = 'postgres' as const;
    async listPipelineRuns(): Promise<never> {
      throw error;
    }
  }
  return new Failing() as unknown as MetadataStore;
}

describe('store failures', () => {
  test('a lost connection becomes SLUICE_STORE_UNAVAILABLE naming the store and the reason', async () => {
    const store = guardStore(failingStore(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), 'postgres://db/x');
    await assert.rejects(store.listPipelineRuns(), (error: Error & { code?: string }) =>
      error.code === 'SLUICE_STORE_UNAVAILABLE' && /postgres:\/\/db\/x: connect ECONNREFUSED/.test(error.message));
  });

  test('a full disk under SQLite is an environment failure too', async () => {
    const store = guardStore(failingStore(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })), '/repo/.sluice/sluice.db');
    await assert.rejects(store.listPipelineRuns(), { code: 'SLUICE_STORE_UNAVAILABLE' });
  });

  test('a query bug passes through unchanged, to be reported as internal', async () => {
    const bug = Object.assign(new Error('column "nope" does not exist'), { code: '42703' });
    await assert.rejects(guardStore(failingStore(bug), 'x').listPipelineRuns(), (error) => error === bug);
  });
});

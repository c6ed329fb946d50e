/**
 * The monitor store on SQLite and PostgreSQL: a closed window comes back with its results, newest
 * first, and the log position moves only with a window (a window that fails to store leaves the
 * position where it was).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import type { MonitorWindow } from './monitor-store.js';
import { openMonitorStore } from './open.js';

function window(id: string, endedAt: number): MonitorWindow {
  return {
    id,
    environment: 'production',
    startedAt: endedAt - 1000,
    endedAt,
    rows: 500,
    versions: ['3'],
    closedAt: endedAt + 10,
    results: [{ check: 'data_drift', status: 'failed', summary: 'dataset drift', values: { judged: true, dataset_drift: true, drifted: ['mean_radius'] } }],
  };
}

for (const [backend, open] of Object.entries(STORE_BACKENDS)) {
  describe(`monitor store on ${backend}`, () => {
    let opened: OpenedStore;
    before(async () => {
      opened = await open();
    });
    after(async () => opened.dispose());

    test('a closed window comes back with its results and moves the position', async () => {
      const store = openMonitorStore(opened.store.connection);
      assert.deepEqual(await store.position('production'), {});
      await store.closeWindow(window('w1', 1_000_000), { 'predictions-a.jsonl': 2048 });
      await store.closeWindow(window('w2', 2_000_000), { 'predictions-a.jsonl': 4096 });
      assert.deepEqual(await store.position('production'), { 'predictions-a.jsonl': 4096 });
      const windows = await store.windows('production');
      assert.deepEqual(windows.map((each) => each.id), ['w2', 'w1']);
      assert.deepEqual(windows[0]!.results[0]!.values, { judged: true, dataset_drift: true, drifted: ['mean_radius'] });
      assert.deepEqual(windows[0]!.versions, ['3']);
      assert.equal(windows[0]!.endedAt, 2_000_000);
    });

    test('a window that cannot be stored leaves the position where it was', async () => {
      const store = openMonitorStore(opened.store.connection);
      await store.closeWindow(window('w3', 3_000_000), { 'predictions-b.jsonl': 100 });
      // The same id again: the insert fails, and the position write in its transaction is undone.
      await assert.rejects(store.closeWindow(window('w3', 4_000_000), { 'predictions-b.jsonl': 999 }));
      assert.deepEqual(await store.position('production'), { 'predictions-b.jsonl': 100 });
    });
  });
}

/**
 * The monitor store on SQLite and PostgreSQL: a closed window comes back with its results, newest
 * first, with its alerts and rule states; the log position and rule states move only with a
 * window (a window that fails to store leaves them where they were).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORE_BACKENDS, type OpenedStore } from '../../../test/support/stores.js';
import type { MonitorAlert, MonitorWindow, WindowOutcome } from './monitor-store.js';
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

function outcome(position: Record<string, number>): WindowOutcome {
  return { position, alertStates: {}, alerts: [] };
}

function alert(id: string, windowId: string): MonitorAlert {
  return { id, environment: 'production', rule: 'drift', severity: 'warning', windowId, firedAt: 2_000_010, message: 'dataset drift', details: { data_drift: { dataset_drift: true } } };
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
      await store.closeWindow(window('w1', 1_000_000), outcome({ 'predictions-a.jsonl': 2048 }));
      await store.closeWindow(window('w2', 2_000_000), { ...outcome({ 'predictions-a.jsonl': 4096 }), alertStates: { drift: { active: true, lastFiredAt: 2_000_010 } }, alerts: [alert('a1', 'w2')] });
      assert.deepEqual(await store.position('production'), { 'predictions-a.jsonl': 4096 });
      const windows = await store.windows('production');
      assert.deepEqual(windows.map((each) => each.id), ['w2', 'w1']);
      assert.deepEqual(windows[0]!.results[0]!.values, { judged: true, dataset_drift: true, drifted: ['mean_radius'] });
      assert.deepEqual(windows[0]!.versions, ['3']);
      assert.equal(windows[0]!.endedAt, 2_000_000);
      assert.deepEqual(await store.alertStates('production'), { drift: { active: true, lastFiredAt: 2_000_010 } });
      const [raised] = await store.alerts('production');
      assert.equal(raised!.windowId, 'w2');
      assert.deepEqual(raised!.details, { data_drift: { dataset_drift: true } });
    });

    test('a window that cannot be stored leaves the position where it was', async () => {
      const store = openMonitorStore(opened.store.connection);
      await store.closeWindow(window('w3', 3_000_000), outcome({ 'predictions-b.jsonl': 100 }));
      // The same id again: the insert fails, and the position write in its transaction is undone.
      await assert.rejects(store.closeWindow(window('w3', 4_000_000), { ...outcome({ 'predictions-b.jsonl': 999 }), alertStates: { drift: { active: false, lastFiredAt: 1 } } }));
      assert.deepEqual(await store.position('production'), { 'predictions-b.jsonl': 100 });
      assert.deepEqual((await store.alertStates('production')).drift, { active: true, lastFiredAt: 2_000_010 });
    });
  });
}

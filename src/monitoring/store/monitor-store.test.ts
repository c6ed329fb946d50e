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

function outcome(position: Record<string, number>, from: Record<string, number> = {}): WindowOutcome {
  return { position, from, alertStates: {}, alerts: [] };
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
      await store.closeWindow(window('w2', 2_000_000), { ...outcome({ 'predictions-a.jsonl': 4096 }, { 'predictions-a.jsonl': 2048 }), alertStates: { drift: { active: true, lastFiredAt: 2_000_010 } }, alerts: [alert('a1', 'w2')] });
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
      assert.equal(await store.closeWindow(window('w3', 3_000_000), outcome({ 'predictions-b.jsonl': 100 }, { 'predictions-a.jsonl': 4096 })), true);
      // The same id again: the insert fails, and the position write in its transaction is undone.
      await assert.rejects(store.closeWindow(window('w3', 4_000_000), { ...outcome({ 'predictions-b.jsonl': 999 }, { 'predictions-b.jsonl': 100 }), alertStates: { drift: { active: false, lastFiredAt: 1 } } }));
      assert.deepEqual(await store.position('production'), { 'predictions-b.jsonl': 100 });
      assert.deepEqual((await store.alertStates('production')).drift, { active: true, lastFiredAt: 2_000_010 });
    });

    test('a window read from a position another process has moved past is not stored', async () => {
      const store = openMonitorStore(opened.store.connection);
      assert.equal(await store.closeWindow({ ...window('o1', 1_000_000), environment: 'other' }, outcome({ 'predictions-o.jsonl': 500 })), true);
      // A second monitor that read from the start closes the same rows again: refused.
      assert.equal(await store.closeWindow({ ...window('o2', 1_000_000), environment: 'other' }, outcome({ 'predictions-o.jsonl': 500 })), false);
      assert.deepEqual((await store.windows('other')).map((each) => each.id), ['o1']);
      assert.deepEqual(await store.position('other'), { 'predictions-o.jsonl': 500 });
    });

    test('a window keeps its log span, and late labels replace its results with the feedback mark in one write', async () => {
      const store = openMonitorStore(opened.store.connection);
      const closed = { ...window('s1', 5_000_000), environment: 'staging' };
      await store.closeWindow({ ...window('s0', 4_000_000), environment: 'staging' }, { position: { 'predictions-c.jsonl': 300 }, from: {}, alertStates: {}, alerts: [] });
      await store.closeWindow(closed, { position: { 'predictions-c.jsonl': 900 }, from: { 'predictions-c.jsonl': 300 }, alertStates: {}, alerts: [] });
      const [found] = await store.windowsWithSpans('staging', { closedSince: 0, limit: 1 });
      assert.deepEqual(found!.span, { from: { 'predictions-c.jsonl': 300 }, to: { 'predictions-c.jsonl': 900 } });
      assert.equal(await store.feedbackMark('staging'), undefined);
      const performance = { check: 'performance' as const, status: 'failed' as const, summary: 'accuracy 0.7', values: { judged: true, accuracy: 0.7, labels: 400 } };
      await store.rescore('staging', {
        windows: [{ ...closed, results: [...closed.results, performance], rescoredAt: 6_000_000 }],
        alertStates: { accuracy: { active: true, lastFiredAt: 6_000_000 } },
        alerts: [{ ...alert('a9', 's1'), environment: 'staging', rule: 'accuracy' }],
        feedbackMark: 'feedback-1.jsonl:120',
      });
      const [rescored] = await store.windows('staging', { limit: 1 });
      assert.deepEqual(rescored!.results.map((result) => [result.check, result.status]).sort(), [['data_drift', 'failed'], ['performance', 'failed']]);
      assert.equal(rescored!.rescoredAt, 6_000_000);
      assert.equal(await store.feedbackMark('staging'), 'feedback-1.jsonl:120');
      assert.deepEqual(await store.position('staging'), { 'predictions-c.jsonl': 900 });
      assert.deepEqual((await store.alerts('staging')).map((each) => each.rule), ['accuracy']);
    });
  });
}

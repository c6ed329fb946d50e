/** Since when an incident has lasted, and the rows an incident note shows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowsOfArray } from '../log/window-rows.js';
import type { MonitorAlert, MonitorWindow } from '../store/monitor-store.js';
import { incidentNote, incidentSince, sampleRows } from './incident-note.js';

const MINUTE = 60_000;

/** Windows newest first, each `held` or not, the n-th from the end starting at minute n. */
function windows(held: readonly boolean[]): MonitorWindow[] {
  return held.map((holds, k) => {
    const minute = held.length - k;
    return { id: `w${minute}`, environment: 'production', startedAt: minute * MINUTE, endedAt: minute * MINUTE + 1, rows: 10, versions: ['1'], closedAt: minute * MINUTE + 2, results: [{ check: 'data_drift', status: holds ? 'failed' : 'passed', summary: '', values: { dataset_drift: holds } }] };
  });
}

const held = (window: MonitorWindow) => window.results[0]!.values.dataset_drift === true;

test('an incident started on the first window of the run of windows the rule held on', () => {
  // Newest first: w5 and w4 held, w3 did not, w2 held.
  assert.deepEqual(incidentSince(windows([true, true, false, true, false]), 'w5', held, true), { startedAt: 4 * MINUTE, windowId: 'w4', windows: 2, atLeast: false });
});

test('a rule that held since the first window stored started with it', () => {
  assert.deepEqual(incidentSince(windows([true, true, true]), 'w2', held, false), { startedAt: MINUTE, windowId: 'w1', windows: 2, atLeast: false });
});

test('a rule that held on every window of a bounded read started no later than the oldest read', () => {
  assert.deepEqual(incidentSince(windows([true, true, true]), 'w2', held, true), { startedAt: MINUTE, windowId: 'w1', windows: 2, atLeast: true });
});

test('an alert whose window is not among those looked at has no known start', () => {
  assert.equal(incidentSince(windows([true]), 'gone', held, false), undefined);
});

test('the sample is the window\'s first rows with every input, missing cells as null', () => {
  const rows = rowsOfArray([
    { requestId: 'a', index: 0, features: { x: 1, y: 'red' }, prediction: { '0': 0.25, '1': 0.75 } },
    { requestId: 'b', index: 0, features: { x: null, y: 'blue' }, prediction: 3 },
    { requestId: 'c', index: 0, features: { x: 2, y: 'green' }, prediction: 4 },
  ]);
  assert.deepEqual(sampleRows(rows, ['x', 'y'], 2), [
    { requestId: 'a', features: { x: 1, y: 'red' }, prediction: { '0': 0.25, '1': 0.75 } },
    { requestId: 'b', features: { x: null, y: 'blue' }, prediction: 3 },
  ]);
});

test('the note lists the drifted columns strongest first, since when, and the sample with drifted columns first', () => {
  const column = (statistic: number, p: number, drifted: boolean) => ({ method: 'ks', statistic, p_value: p, threshold: 0.01, drifted });
  const alert: MonitorAlert = {
    id: 'alert',
    environment: 'production',
    rule: 'drift',
    severity: 'warning',
    windowId: 'w2',
    firedAt: 3 * MINUTE,
    message: 'warning: drift on production (data_drift.dataset_drift): dataset drift',
    details: { data_drift: { dataset_drift: true, drift_share: 1, drifted_columns: 2, number_of_columns: 3, drifted: ['y', 'z'], columns: { x: column(0.1, 0.5, false), y: column(0.3, 1e-5, true), z: column(0.6, 2e-12, true) } } },
  };
  const note = incidentNote(alert, { since: { startedAt: MINUTE, windowId: 'w1', windows: 2, atLeast: false }, sample: [{ requestId: 'r|1', features: { x: 1.5, y: 2, z: null }, prediction: { '0': 0.25, '1': 0.75 } }] });
  assert.match(note, /2 of 3 columns drifted \(share 1\)\.\n\n\| column \| method \| statistic \| p-value \| threshold \|\n\|---\|---\|---\|---\|---\|\n\| z \| ks \| 0\.6 \| 2\.000e-12 \| 0\.01 \|\n\| y \| ks \| 0\.3 \| 1\.000e-5 \| 0\.01 \|\n\n/);
  assert.match(note, /Since 1970-01-01T00:01:00\.000Z \(the start of window `w1`\): the rule has held on 2 consecutive windows\./);
  assert.match(note, /\| request \| y \| z \| x \| prediction \|\n\|---\|---\|---\|---\|---\|\n\| r\\\|1 \| 2 \|  \| 1\.5 \| 0: 0\.25, 1: 0\.75 \|/);
});

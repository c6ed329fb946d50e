/**
 * Labels that arrive after their window closed: a pass closes the window with performance not
 * judged (no label yet); once the labels are posted as feedback, the next pass re-scores that
 * window over exactly its rows, stores the new result and raises the accuracy rule; a pass with no
 * new feedback changes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readTable } from '../../src/data/index.js';
import { findMonitor, parseMonitors } from '../../src/monitoring/config/load-monitors.js';
import { runMonitorPass } from '../../src/monitoring/run-monitor.js';
import { openMonitorStore } from '../../src/monitoring/store/open.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { post, startServe } from '../support/serve.js';
import { STORE_BACKENDS, type OpenedStore } from '../support/stores.js';
import { makeTempDir } from '../support/temp-dir.js';

const SLUICE_YAML = `deploy:
  production: {model: bc, port: 8080}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: data/train.csv
    checks:
      performance: {metric: accuracy, min_labels: 50}
    alerts:
      - {name: accuracy-drop, when: performance.accuracy < 0.9, severity: critical}
`;

const temp = makeTempDir('sluice-monitor-late-');
const stores: OpenedStore[] = [];
after(async () => {
  for (const store of stores) await store.dispose();
  temp.remove();
});

test('labels posted after the window closed re-score it and raise the accuracy rule once', async () => {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const features = columns.filter((name) => name !== 'target');
  const logDir = join(temp.path, 'log');
  const server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx'), '--prediction-log', logDir]);
  const opened = await STORE_BACKENDS.sqlite();
  stores.push(opened);
  const store = openMonitorStore(opened.store.connection);
  const monitor = findMonitor(parseMonitors(SLUICE_YAML), 'production');
  const reference = await readTable(sharedFixture('breast_cancer', 'train.csv'));
  const pass = () => runMonitorPass({ monitor, logDir, signature: { features, classes: ['0=malignant', '1=benign'] }, reference, store });
  try {
    const feedback: { request_id: string; label: number }[] = [];
    for (const line of lines) {
      const cells = line.split(',').map(Number);
      const answer = await post(`${server.url}/predict`, { rows: [Object.fromEntries(features.map((name) => [name, cells[columns.indexOf(name)]]))] });
      assert.equal(answer.status, 200);
      feedback.push({ request_id: (answer.body as { request_id: string }).request_id, label: cells[columns.indexOf('target')]! });
    }
    // Wait for the server's log flush, then close the window before any label exists.
    let first = await pass();
    for (let tries = 0; first.windows.length === 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      first = await pass();
    }
    assert.equal(first.windows.length, 1);
    assert.equal(first.windows[0]!.results[0]!.status, 'not_enough_data');
    assert.deepEqual(first.alerts, []);

    for (const entry of feedback) {
      const posted = await post(`${server.url}/feedback`, entry);
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
    }
    // The server logs labels as they come: passes re-score the window until every label is in.
    const raised: string[] = [];
    let rescored = 0;
    const stored = await pollUntil(
      async () => {
        const next = await pass();
        assert.equal(next.windows.length, 0);
        rescored += next.rescored.length;
        raised.push(...next.alerts.map(({ alert }) => alert.rule));
        const [window] = await store.windows('production');
        return window!.results[0]!.values.labels === 171 ? window : undefined;
      },
      'the window re-scored with all 171 labels',
      20_000,
      100,
    );
    assert.ok(rescored >= 1);
    const performance = stored.results.find((result) => result.check === 'performance')!;
    assert.equal(performance.status, 'passed');
    assert.equal((performance.values.accuracy as number).toFixed(4), '0.7661');
    assert.ok(stored.rescoredAt !== undefined);
    assert.deepEqual(raised, ['accuracy-drop'], 'raised once, however many passes re-scored it');

    const third = await pass();
    assert.deepEqual([third.windows.length, third.rescored.length, third.alerts.length], [0, 0, 0]);
  } finally {
    await server.stop();
  }
});

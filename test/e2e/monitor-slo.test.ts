/**
 * SLOs from a real server's prediction log: each answer is logged with the time it took, each
 * failed request as an error record; a monitor pass judges the window's latency percentiles and
 * error rates, and failed requests neither count towards the window's size nor become rows.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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
    window: {every: 100 predictions, min_rows: 50}
    reference: data/train.csv
    checks:
      slo: {p99_ms: 10000, error_rate: 0.01}
      data_quality: {}
`;

const temp = makeTempDir('sluice-monitor-slo-');
const stores: OpenedStore[] = [];
after(async () => {
  for (const store of stores) await store.dispose();
  temp.remove();
});

test('answers are logged with their latency and failed requests as errors; the window judges both', async () => {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const features = columns.filter((name) => name !== 'target');
  const logDir = join(temp.path, 'log');
  const server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--prediction-log', logDir]);
  try {
    for (const line of lines.slice(0, 100)) {
      const cells = line.split(',').map(Number);
      assert.equal((await post(`${server.url}/predict`, { rows: [Object.fromEntries(features.map((name) => [name, cells[columns.indexOf(name)]]))] })).status, 200);
    }
    for (let k = 0; k < 5; k++) assert.equal((await post(`${server.url}/predict`, { rows: 'not rows' })).status, 400);
  } finally {
    await server.stop();
  }
  const logged = readdirSync(logDir)
    .filter((name) => name.startsWith('predictions-'))
    .flatMap((name) => readFileSync(join(logDir, name), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as { latency_ms?: number; error?: { status: number } });
  assert.equal(logged.filter((record) => typeof record.latency_ms === 'number' && record.latency_ms > 0).length, 100);
  assert.deepEqual(logged.filter((record) => record.error).map((record) => record.error!.status), [400, 400, 400, 400, 400]);

  const opened = await STORE_BACKENDS.sqlite();
  stores.push(opened);
  const store = openMonitorStore(opened.store.connection);
  const monitor = findMonitor(parseMonitors(SLUICE_YAML), 'production');
  const reference = await readTable(sharedFixture('breast_cancer', 'train.csv'));
  const pass = await pollUntil(async () => {
    const result = await runMonitorPass({ monitor, logDir, signature: { features, classes: ['0=malignant', '1=benign'] }, reference, store });
    return result.windows.length > 0 ? result : undefined;
  }, 'the window', 10_000, 200);
  const [window] = pass.windows;
  assert.equal(window!.rows, 100);
  const slo = window!.results.find((result) => result.check === 'slo')!;
  assert.equal(slo.status, 'passed');
  assert.equal(slo.values.timed, 100);
  assert.equal(slo.values.error_rate, 0);
  assert.ok((slo.values.p99_ms as number) > 0);
  assert.deepEqual(pass.undecodable, []);
});

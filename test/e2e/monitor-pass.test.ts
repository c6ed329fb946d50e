/**
 * A monitor pass over a real server's prediction log: the drifted breast-cancer file replayed
 * through `sluice serve` closes one window that drifts in exactly its three shifted columns and
 * fires the drift rule once; the resampled file fires nothing; a second pass finds nothing new.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readTable } from '../../src/data/index.js';
import { parseMonitors, findMonitor } from '../../src/monitoring/config/load-monitors.js';
import { runMonitorPass } from '../../src/monitoring/run-monitor.js';
import { openMonitorStore } from '../../src/monitoring/store/open.js';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe } from '../support/serve.js';
import { STORE_BACKENDS, type OpenedStore } from '../support/stores.js';
import { makeTempDir } from '../support/temp-dir.js';

const SLUICE_YAML = `deploy:
  production: {model: breast-cancer, port: 8080}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: data/train.csv
    checks:
      data_drift: {method: ks, drift_share: 0.1}
      data_quality: {max_missing_share: 0.05}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning}
`;

const temp = makeTempDir('sluice-monitor-pass-');
const stores: OpenedStore[] = [];
after(async () => {
  for (const store of stores) await store.dispose();
  temp.remove();
});

/** Serves the logistic model, sends every row of `file` as its own /predict request, stops the server. */
async function replay(file: string, logDir: string): Promise<string[]> {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', file), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const features = columns.filter((name) => name !== 'target');
  const server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--prediction-log', logDir]);
  try {
    for (let start = 0; start < lines.length; start += 8) {
      await Promise.all(
        lines.slice(start, start + 8).map(async (line) => {
          const cells = line.split(',');
          const row = Object.fromEntries(features.map((name) => [name, cells[columns.indexOf(name)] === '' ? null : Number(cells[columns.indexOf(name)])]));
          const answer = await post(`${server.url}/predict`, { rows: [row] });
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
        }),
      );
    }
  } finally {
    await server.stop();
  }
  return features;
}

async function pass(file: string) {
  const logDir = join(temp.path, file);
  const features = await replay(file, logDir);
  const opened = await STORE_BACKENDS.sqlite();
  stores.push(opened);
  const store = openMonitorStore(opened.store.connection);
  const monitor = findMonitor(parseMonitors(SLUICE_YAML), 'production');
  const reference = await readTable(sharedFixture('breast_cancer', 'train.csv'));
  const run = () => runMonitorPass({ monitor, logDir, signature: { features, classes: ['0=malignant', '1=benign'] }, reference, store });
  return { first: await run(), second: await run(), store };
}

describe('a monitor pass over a served prediction log', () => {
  test('the drifted replay closes one window drifting in its three shifted columns and fires the rule once', async () => {
    const { first, second, store } = await pass('current_drifted.csv');
    assert.equal(first.windows.length, 1);
    const drift = first.windows[0]!.results.find((result) => result.check === 'data_drift')!;
    assert.deepEqual([...(drift.values.drifted as string[])].sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    const quality = first.windows[0]!.results.find((result) => result.check === 'data_quality')!;
    assert.equal(quality.values.missing_share, 5 / (171 * 30));
    assert.deepEqual(first.alerts.map(({ alert }) => alert.rule), ['drift']);
    assert.match(first.alerts[0]!.alert.message, /warning: drift on production \(data_drift.dataset_drift\): dataset drift: 3 of 30 columns drifted \(mean_radius/);
    assert.equal((await store.alerts('production')).length, 1);
    assert.equal(second.windows.length, 0, 'a second pass judges nothing twice');
    assert.equal((await store.windows('production')).length, 1);
  });

  test('the resampled replay fires nothing', async () => {
    const { first } = await pass('current_nodrift.csv');
    assert.equal(first.windows.length, 1);
    assert.deepEqual(first.alerts, []);
  });
});

/**
 * The monitor in Prometheus, for real: `sluice monitor rules` writes a rule file `promtool check
 * rules` accepts; a real Prometheus (Debian's, on a free loopback port) scrapes the /metrics of
 * `sluice serve --env` after the drifted rows were replayed, sees the drift share of the window
 * the server's monitor closed, loads the generated rules healthy and fires the drift alert, and
 * answers every query of the generated Grafana dashboard.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil, stopProcess, track } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const skip = !existsSync(PROMETHEUS) || !existsSync(PROMTOOL) ? 'Debian prometheus (with promtool) is not installed: apt-get install prometheus' : false;

let repo: ScratchRepo;
let server: ServedProcess | undefined;
let prometheus: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function api<T>(address: string, path: string): Promise<T | undefined> {
  try {
    const response = await fetch(`${address}${path}`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

type Vector = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };

before(() => {
  if (skip) return;
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
      data_quality: {max_missing_share: 0.05}
      performance: {metric: accuracy, min: 0.9, min_labels: 50}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning}
`);
});
after(async () => {
  if (prometheus) await stopProcess(prometheus, 10_000);
  await server?.stop();
  repo?.remove();
});

test('a real Prometheus loads the generated rules, scrapes the monitor gauges and fires the drift alert', { skip }, async () => {
  const out = join(repo.root, 'observability');
  const rules = sluice(repo.root, ['monitor', 'rules', '--out', out]);
  assert.equal(rules.code, 0, rules.stderr);
  const checked = spawnSync(PROMTOOL, ['check', 'rules', join(out, 'sluice-monitor-rules.yaml')], { encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  assert.match(checked.stdout, /SUCCESS: 4 rules found/);

  server = await startServe(repo.root, ['--env', 'production', '--quiet']);
  const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--url', server.url]);
  assert.equal(replay.code, 0, replay.stderr);
  await pollUntil(async () => ((await (await fetch(`${server!.url}/metrics`)).text()).includes('sluice_monitor_drift_share{environment="production"} 0.1') ? true : undefined), 'the window on /metrics', 30_000, 250);

  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const config = join(repo.root, 'prometheus.yml');
  writeFileSync(
    config,
    `global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: ['${join(out, 'sluice-monitor-rules.yaml')}']\nscrape_configs:\n  - job_name: sluice\n    static_configs: [{targets: ['${new URL(server.url).host}']}]\n`,
  );
  prometheus = track(spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(repo.root, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' }));

  const share = await pollUntil(async () => (await api<Vector>(address, `/api/v1/query?query=${encodeURIComponent('sluice_monitor_drift_share{environment="production"}')}`))?.data.result[0], 'Prometheus to scrape the drift share', 30_000, 250);
  assert.equal(share.value[1], '0.1');
  const columns = await api<Vector>(address, `/api/v1/query?query=${encodeURIComponent('sluice_monitor_column_drifted{environment="production"} == 1')}`);
  assert.deepEqual(columns!.data.result.map((sample) => sample.metric.column).sort(), ['mean_area', 'mean_radius', 'mean_texture']);

  const groups = await pollUntil(async () => {
    const answer = await api<{ data: { groups: { rules: { name: string; health: string; state: string }[] }[] } }>(address, '/api/v1/rules');
    const loaded = answer?.data.groups.flatMap((group) => group.rules) ?? [];
    return loaded.some((rule) => rule.name === 'SluiceMonitorDatasetDrift' && rule.state === 'firing') ? loaded : undefined;
  }, 'the drift rule to fire', 30_000, 250);
  assert.deepEqual(groups.map((rule) => [rule.name, rule.health]).sort(), [
    ['SluiceMonitorDataQuality', 'ok'],
    ['SluiceMonitorDatasetDrift', 'ok'],
    ['SluiceMonitorPerformance', 'ok'],
    ['SluiceMonitorStale', 'ok'],
  ]);
  assert.equal(groups.find((rule) => rule.name === 'SluiceMonitorPerformance')!.state, 'inactive', 'no labels: performance not judged, no alert');

  const dashboard = JSON.parse(readFileSync(join(out, 'sluice-monitor-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  for (const { expr } of dashboard.panels.flatMap((panel) => panel.targets)) {
    const answer = await api<{ status: string }>(address, `/api/v1/query?query=${encodeURIComponent(expr.replaceAll('$environment', 'production'))}`);
    assert.equal(answer?.status, 'success', expr);
  }
});

/**
 * The `retrain` action, end to end on the example pipeline: a drift alert raised over traffic the
 * environment served runs the pipeline (built-in trainer), gates the trained model against the
 * version production serves, and registers it as `challenger` without moving `production`; when
 * the configuration trains a weak model, the gate fails and nothing is registered.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { REPO_ROOT, sharedFixture } from '../support/fixtures.js';
import { startServe } from '../support/serve.js';

let repo: ScratchRepo;

const MONITOR = `
deploy:
  production: {model: breast-cancer, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: data/train.csv
    checks:
      data_drift: {method: ks, drift_share: 0.1}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning, cooldown: 0s, actions: [retrain]}
`;

interface Versions {
  versions: { version: number; aliases: string[] }[];
}

function versions(): Versions['versions'] {
  const shown = sluice(repo.root, ['models', 'show', 'breast-cancer', '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as Versions).versions;
}

/** Serves the drifted rows through the environment (its own monitor off), then one monitor pass. */
async function driftedTrafficThenMonitor(): Promise<{ alerts: { rule: string }[]; deliveries: { actions: { action: string; ok: boolean; message: string }[] }[] }> {
  const server = await startServe(repo.root, ['--env', 'production', '--no-monitor', '--quiet']);
  try {
    const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--url', server.url]);
    assert.equal(replay.code, 0, replay.stderr);
  } finally {
    await server.stop();
  }
  const run = await sluiceAsync(repo.root, ['monitor', 'run', '--env', 'production', '--json']);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as ReturnType<typeof driftedTrafficThenMonitor> extends Promise<infer R> ? R[] : never)[0]!;
}

before(() => {
  repo = scratchRepo({ 'README.md': 'A project watched by a monitor.\n' });
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
  writeFileSync(join(repo.root, 'sluice.yaml'), readFileSync(join(repo.root, 'sluice.yaml'), 'utf8') + MONITOR);
  assert.equal(sluice(repo.root, ['init']).code, 0);
  const registered = sluice(repo.root, ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'production']);
  assert.equal(registered.code, 0, registered.stderr);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'example pipeline with a monitor');
});
after(() => repo?.remove());

test('a weak retrained model fails its gate against production and is not registered', async () => {
  const params = readFileSync(join(repo.root, 'params.yaml'), 'utf8');
  writeFileSync(join(repo.root, 'params.yaml'), params.replace('features: []', 'features: [mean_texture, mean_smoothness, mean_symmetry]'));
  try {
    const pass = await driftedTrafficThenMonitor();
    assert.deepEqual(pass.alerts.map((alert) => alert.rule), ['drift']);
    const [action] = pass.deliveries[0]!.actions;
    assert.equal(action!.action, 'retrain');
    // The pipeline's own gate stage (roc_auc at least 0.95) stops it before the gate against production.
    assert.match(action!.message, /the pipeline failed at gate .*; nothing registered|gate against models:\/breast-cancer\/1 failed \(.+\): not registered/);
    assert.deepEqual(versions().map((version) => version.version), [1]);
  } finally {
    writeFileSync(join(repo.root, 'params.yaml'), params);
  }
});

test('a drift alert retrains, gates against production and registers the model as challenger without promoting it', async () => {
  const pass = await driftedTrafficThenMonitor();
  const [action] = pass.deliveries[0]!.actions;
  assert.equal(action!.ok, true, action!.message);
  assert.match(action!.message, /gate against models:\/breast-cancer\/1 passed; registered models:\/breast-cancer\/2 as challenger/);
  const listed = versions();
  assert.deepEqual(listed.map((version) => [version.version, [...version.aliases].sort()]).sort(), [
    [1, ['production']],
    [2, ['challenger']],
  ]);
  const lineage = sluice(repo.root, ['models', 'lineage', 'breast-cancer@challenger']);
  assert.equal(lineage.code, 0, lineage.stderr);
  assert.match(lineage.stdout, /stage train/);
  const audit = sluice(repo.root, ['audit', '--json']);
  assert.match(audit.stdout, /monitor\.action\.retrain/);
});
